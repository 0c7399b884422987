import type { TempAllowance } from './multipart.ts';

/**
 * Bytes of uploads received but not yet stored, which sit on this instance's temporary disk:
 * bounded per user and in all, so neither one account nor many can fill the disk.
 */
export function createTempSpace(limits: { perUser: number; total: number }) {
  const byUser = new Map<string, number>();
  let total = 0;
  return {
    /** The allowance of one upload of `userId`'s. */
    forUser(userId: string): TempAllowance {
      return {
        take(bytes) {
          const mine = byUser.get(userId) ?? 0;
          if (mine + bytes > limits.perUser || total + bytes > limits.total) return false;
          byUser.set(userId, mine + bytes);
          total += bytes;
          return true;
        },
        release(bytes) {
          if (bytes === 0) return;
          const mine = (byUser.get(userId) ?? 0) - bytes;
          if (mine <= 0) byUser.delete(userId);
          else byUser.set(userId, mine);
          total -= bytes;
        },
      };
    },
    /** Bytes held now. */
    used: () => total,
  };
}

export type TempSpace = ReturnType<typeof createTempSpace>;
