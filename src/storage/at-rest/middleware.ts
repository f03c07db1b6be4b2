/**
 * Encryption at rest of a whole Dexie database, as a DBCore middleware: every table except
 * `clearTables` is stored sealed under a 32-byte data key (row-cipher.ts), and everything
 * above this middleware (Dexie's hooks, caches, liveQuery, the app) sees plain values.
 */
import type Dexie from 'dexie';
import type { DBCore, DBCoreTable, Middleware } from 'dexie';
import { encryptedTable } from './encrypted-table';

export { AtRestError, isAtRestError, type AtRestErrorCode } from './at-rest-error';

export interface AtRestKeyring {
  /** The 32-byte data key, or null while locked. Read on every request, so locking takes effect at once. */
  key(): Uint8Array | null;
}

export interface AtRestOptions {
  /** Tables stored as they are, e.g. what must be readable while the device is locked. */
  clearTables?: readonly string[];
}

/**
 * Dexie stacks DBCore middlewares in ascending level, the first wrapping IndexedDB itself.
 * Its own lowest is cacheExistingValues at -1 (Cache and Observability 0, virtual indexes 1,
 * hooks 2): below all of them, so each of them sees plain values and only IndexedDB sees
 * sealed ones.
 */
export const AT_REST_LEVEL = -10;
export const AT_REST_MIDDLEWARE = 'paceline-at-rest';

/** The cores below and at this middleware, for encryptExistingRows; set each time the database opens. */
export interface AtRestCores {
  down: DBCore | null;
  core: DBCore | null;
}

const installed = new WeakMap<Dexie, AtRestCores>();

/** The middleware alone, for db.use(); prefer installAtRest, which encryptExistingRows needs. */
export function atRestMiddleware(keyring: AtRestKeyring, options: AtRestOptions = {}): Middleware<DBCore> {
  return createMiddleware(keyring, options, { down: null, core: null });
}

/** Seal `db` under the keyring's key. Call before db.open(): Dexie builds its stack on open. */
export function installAtRest(db: Dexie, keyring: AtRestKeyring, options: AtRestOptions = {}): void {
  if (db.isOpen()) throw new Error('installAtRest: call before the database opens');
  const cores: AtRestCores = { down: null, core: null };
  db.use(createMiddleware(keyring, options, cores));
  installed.set(db, cores);
}

/** The cores of the middleware installAtRest put on `db`, or undefined. */
export function atRestCores(db: Dexie): AtRestCores | undefined {
  return installed.get(db);
}

function createMiddleware(keyring: AtRestKeyring, options: AtRestOptions, cores: AtRestCores): Middleware<DBCore> {
  const clear = new Set(options.clearTables ?? []);
  return {
    stack: 'dbcore',
    name: AT_REST_MIDDLEWARE,
    level: AT_REST_LEVEL,
    create(down) {
      const tables = new Map<string, DBCoreTable>();
      const core: DBCore = {
        ...down,
        table(name) {
          let table = tables.get(name);
          if (!table) {
            const below = down.table(name);
            table = clear.has(name) ? below : encryptedTable(below, keyring);
            tables.set(name, table);
          }
          return table;
        },
      };
      cores.down = down;
      cores.core = core;
      return core;
    },
  };
}
