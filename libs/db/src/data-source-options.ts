import type { DataSourceOptions } from 'typeorm';
import { localServices } from '@store-uptime/config';
import { BusinessHoursEntity } from './entities/business-hours.entity';
import { ReportEntity } from './entities/report.entity';
import { PolledStoreEntity } from './entities/polled-store.entity';
import { StoreStatusEntity } from './entities/store-status.entity';
import { StoreTimezoneEntity } from './entities/store-timezone.entity';
import { CreateInputTables1795800000000 } from './migrations/1795800000000-create-input-tables';
import { CreateReports1795800000001 } from './migrations/1795800000001-create-reports';
import { AddReportWarnings1795800000002 } from './migrations/1795800000002-add-report-warnings';
import { ReportLifecycle1795800000010 } from './migrations/1795800000010-report-lifecycle';
import { IndexStoreHoursAndZones1795800000030 } from './migrations/1795800000030-index-store-hours-and-zones';
import { PartitionStoreStatus1795800000020 } from './migrations/1795800000020-partition-store-status';
import { ReportIdempotencyKeyEntity } from './entities/report-idempotency-key.entity';
import { ApiKeyEntity } from './entities/api-key.entity';
import { ApiKeys1795800000040 } from './migrations/1795800000040-api-keys';
import { ReportRows1795800000050 } from './migrations/1795800000050-report-rows';
import { Webhooks1795800000060 } from './migrations/1795800000060-webhooks';
import { CoverBusinessHoursByStore1795800000070 } from './migrations/1795800000070-cover-business-hours-by-store';

// Listed explicitly, not globbed: globs silently pick up nothing (or .ts twice) once the code is
// compiled to dist/ or bundled, and review should see every table the app maps.
const ENTITIES = [StoreStatusEntity, PolledStoreEntity, BusinessHoursEntity, StoreTimezoneEntity, ReportEntity, ReportIdempotencyKeyEntity, ApiKeyEntity] as const;
const MIGRATIONS = [
  CreateInputTables1795800000000,
  CreateReports1795800000001,
  AddReportWarnings1795800000002,
  ReportLifecycle1795800000010,
  PartitionStoreStatus1795800000020,
  IndexStoreHoursAndZones1795800000030,
  ApiKeys1795800000040,
  ReportRows1795800000050,
  Webhooks1795800000060,
  CoverBusinessHoursByStore1795800000070,
] as const;

/**
 * `DATABASE_URL` from the environment, or the local default (`store_uptime` on this machine's
 * PostgreSQL, libs/config/src/local-services.ts): the same database `npm start` uses.
 */
export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return localServices(env).databaseUrl;
}

/**
 * TypeORM options for a PostgreSQL URL. `synchronize` is off on purpose: the schema changes only
 * through the migrations (`npm run db:migrate`, a one-off job), never when an app starts.
 */
export function dataSourceOptionsFromUrl(
  url: string,
  overrides: Partial<Pick<DataSourceOptions, 'logging' | 'poolSize'>> = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [...ENTITIES],
    migrations: [...MIGRATIONS],
    migrationsTableName: 'typeorm_migrations',
    // One transaction per migration: a failed one leaves the earlier ones applied and itself undone.
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    ...overrides,
  };
}
