import { DataSource } from 'typeorm';
import { databaseUrlFromEnv, dataSourceOptionsFromUrl } from './data-source-options';

/**
 * The DataSource of `DATABASE_URL` for one-off commands (`npm run db:migrate`, the TypeORM CLI,
 * which wants a file whose only export is a DataSource). Apps build their own from config with
 * `dataSourceOptionsFromUrl`; importing this file does not connect.
 */
export default new DataSource(dataSourceOptionsFromUrl(databaseUrlFromEnv()));
