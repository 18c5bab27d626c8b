import { defineConfig } from "vitest/config";

// Unit tests run in parallel; tests on the shared test hosts run one file at a time,
// since some of them stop a host or cut its connections.
export default defineConfig({
  test: {
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: ["test/e2e/**", "test/ssh/ssh-connection.test.ts", "test/ssh/remote-shell.test.ts"] } },
      { extends: true, test: { name: "hosts", include: ["test/e2e/**/*.test.ts", "test/ssh/ssh-connection.test.ts", "test/ssh/remote-shell.test.ts"], fileParallelism: false } },
    ],
  },
});
