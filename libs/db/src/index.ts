export * from './entities/report.entity';
export * from './entities/store-status.entity';
export * from './entities/business-hours.entity';
export * from './entities/store-timezone.entity';
export * from './data-source-options';
export * from './migrate';
export * from './testing/temp-database';
