import type { DataSource } from 'typeorm';

/**
 * The rows a statement returns, UPDATE/DELETE … RETURNING included: DataSource.query gives those
 * as [rows, count], so the structured result of a QueryRunner is read instead.
 */
export async function statementRows<T = unknown>(dataSource: DataSource, sql: string, parameters: unknown[]): Promise<T[]> {
  const runner = dataSource.createQueryRunner();
  try {
    const result = await runner.query(sql, parameters, true);
    return result.records as T[];
  } finally {
    await runner.release();
  }
}
