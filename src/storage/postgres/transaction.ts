import type pg from 'pg';

/** Runs `work` in one transaction on one connection of the pool: committed if it resolves, rolled back if it throws. */
export async function transaction<R>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<R>): Promise<R> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollback: Error) => (broken = rollback));
    throw error;
  } finally {
    // A connection that could not roll back is not handed out again.
    client.release(broken);
  }
}
