/**
 * `read()`, shared by concurrent callers, but never a read that began before the caller asked:
 * callers arriving while one is in flight wait for the next. So each caller sees the database as
 * it was at some moment after its call, yet a crowd of callers costs one query per round trip.
 */
export function freshRead<T>(read: () => Promise<T>) {
  let current: Promise<T> | undefined;
  let next: Promise<T> | undefined;
  const start = () => {
    const p = read();
    current = p;
    const done = () => { if (current === p) current = undefined; };
    p.then(done, done);
    return p;
  };
  return (): Promise<T> => {
    if (!current) return start();
    next ??= current.then(() => {}, () => {}).then(() => {
      next = undefined;
      return start();
    });
    return next;
  };
}
