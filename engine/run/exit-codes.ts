/**
 * tsplay's exit codes, Ansible's numbers. A module of their own so that a command which
 * only parses its options (`--help`, a bad option) does not load the runner to name them.
 */
export const EXIT = { ok: 0, error: 1, failed: 2, unreachable: 4, badOptions: 5, interrupted: 130 } as const;
