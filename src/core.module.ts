import { Global, Module, type DynamicModule } from '@nestjs/common';
import { SCHEDULE_TICK_INTERVAL } from './change-requests/index.js';
import type { AppConfig } from './config/index.js';
import { APP_CONFIG, CLOCK, type Clock } from './shared/index.js';
import { TELEMETRY_FLUSH_INTERVAL } from './telemetry/index.js';

export interface CoreOptions {
  config: AppConfig;
  clock: Clock;
  telemetryFlushMs: number;
  scheduleTickMs: number;
}

/**
 * What one run of the app is given: the validated configuration, the clock and the run's timing knobs.
 * The one global module besides the database connection: these are settings, read by nearly every slice,
 * and a feature module cannot import a module built from values only AppModule.forRoot knows. Feature
 * modules are never global: each imports the modules whose providers it uses.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot({ config, clock, telemetryFlushMs, scheduleTickMs }: CoreOptions): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
        { provide: TELEMETRY_FLUSH_INTERVAL, useValue: telemetryFlushMs },
        { provide: SCHEDULE_TICK_INTERVAL, useValue: scheduleTickMs },
      ],
      exports: [APP_CONFIG, CLOCK, TELEMETRY_FLUSH_INTERVAL, SCHEDULE_TICK_INTERVAL],
    };
  }
}
