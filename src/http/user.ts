/** The signed-in user, as the host's `user` option gives it, for every form of the module. */
import type { Context } from 'hono';
import type { ExecutionsAdminOptions, UserRef } from './options.js';

/** Reads the user; an id no key could hold (empty, huge, with NUL) is no user: the page offers no form. */
export const userReader =
  (options: Pick<ExecutionsAdminOptions, 'user'>) =>
  async (c: Context): Promise<UserRef | null> => {
    const user = options.user ? await options.user(c) : null;
    return user && typeof user.id === 'string' && user.id !== '' && user.id.length <= 200 && !user.id.includes('\u0000')
      ? user
      : null;
  };
