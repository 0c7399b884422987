/**
 * `read()`, shared by concurrent callers, but never a read that began before the caller asked:
 * callers arriving while one is in flight wait for the next. So each caller sees the database as
 * it was at some moment after its call, yet a crowd of callers costs one query per round trip.
 */
export function freshRead<T>(read: () => Promise<T>) {
  const shared = freshReads<undefined, T>(read);
  return () => shared(undefined);
}

/** `freshRead` for each key: callers of one key share reads; a key is held only while read. */
export function freshReads<K, T>(read: (key: K) => Promise<T>) {
  const current = new Map<K, Promise<T>>();
  const next = new Map<K, Promise<T>>();
  const start = (key: K) => {
    const p = read(key);
    current.set(key, p);
    const done = () => { if (current.get(key) === p) current.delete(key); };
    p.then(done, done);
    return p;
  };
  return (key: K): Promise<T> => {
    const reading = current.get(key);
    if (!reading) return start(key);
    let waiting = next.get(key);
    if (!waiting) {
      waiting = reading.then(() => {}, () => {}).then(() => {
        next.delete(key);
        return start(key);
      });
      next.set(key, waiting);
    }
    return waiting;
  };
}
