import type { Compilable, CompiledQuery, QueryResult, RawBuilder } from 'kysely';
import type { Db } from './connection';

/** Stands in for a parameter while a template is built; replaced by the call's value. */
class Slot {
  constructor(readonly name: string) {}
}

interface Template {
  compiled: CompiledQuery;
  /** Per compiled parameter: the name of the call's parameter, or the constant the builder put there. */
  params: readonly (Slot | { constant: unknown })[];
}

/**
 * A query whose shape never changes, built and compiled once per dialect and then run with new
 * values. Building and compiling a query with Kysely costs 10–25 µs, often more than SQLite takes to
 * run it; the hottest statements (the paper venue's, a position's state) skip that work.
 *
 * `build` receives stand-ins for the parameters: it may only pass them along as values (no
 * arithmetic, no branching on them, no arrays for `in`), so that the SQL text never depends on them.
 * A parameter that is `undefined` at the call is bound as NULL.
 */
export function preparedQuery<P extends object, O>(
  build: (db: Db, p: P) => Compilable<O> | RawBuilder<O>,
): (db: Db, params: P) => Promise<QueryResult<O>> {
  // Keyed by the dialect's adapter: shared by a Kysely instance and all of its transactions.
  const templates = new WeakMap<object, Template>();
  const slots = new Map<string, Slot>();
  const stand = new Proxy({} as P, {
    get: (_, key) => {
      const name = String(key);
      let slot = slots.get(name);
      if (!slot) slots.set(name, (slot = new Slot(name)));
      return slot;
    },
  });

  function templateFor(db: Db): Template {
    const key = db.getExecutor().adapter;
    let t = templates.get(key);
    if (!t) {
      const query = build(db, stand);
      const compiled = 'isRawBuilder' in query ? query.compile(db) : query.compile();
      const params = compiled.parameters.map((v) => (v instanceof Slot ? v : { constant: v }));
      t = { compiled, params };
      templates.set(key, t);
    }
    return t;
  }

  return (db, values) => {
    const t = templateFor(db);
    const given = values as Record<string, unknown>;
    const parameters = t.params.map((p) => (p instanceof Slot ? (given[p.name] ?? null) : p.constant));
    return db.executeQuery<O>({ ...t.compiled, parameters });
  };
}

/** The first row of a prepared query's result, if any. */
export async function firstRow<O>(result: Promise<QueryResult<O>>): Promise<O | undefined> {
  return (await result).rows[0];
}
