export * from './entities/report.entity';
