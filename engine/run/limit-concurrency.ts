/**
 * Runs `work` on every item with at most `limit` in flight (the `--forks` bound); once
 * `halted()` says so, items not yet started are left out and those in flight finish.
 */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>, halted: () => boolean = () => false): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && !halted()) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(lanes);
}
