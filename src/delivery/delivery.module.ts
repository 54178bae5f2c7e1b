import { Module, type DynamicModule } from '@nestjs/common';
import { EnvironmentsModule } from '../environments/index.js';
import { EventStoreModule } from '../event-store/index.js';
import { FlagsModule } from '../flags/index.js';
import { DEFAULT_DELIVERY_OPTIONS, DELIVERY_OPTIONS, type DeliveryOptions } from './delivery-options.js';
import { DeliveryController } from './delivery.controller.js';
import { FlagStreams } from './flag-streams.js';
import { MissedFlagChanges } from './missed-flag-changes.js';

/** GET /v1/snapshot and the GET /v1/stream change stream, fed from the committed path only. */
@Module({})
export class DeliveryModule {
  static forRoot(options: Partial<DeliveryOptions> = {}): DynamicModule {
    return {
      module: DeliveryModule,
      // Once, in the app module; other protocols' streams (Unleash) share its FlagStreams, and so its
      // per-token bound and its shutdown, without importing a second, unconfigured instance.
      global: true,
      imports: [EventStoreModule, FlagsModule, EnvironmentsModule],
      controllers: [DeliveryController],
      providers: [
        { provide: DELIVERY_OPTIONS, useValue: Object.freeze({ ...DEFAULT_DELIVERY_OPTIONS, ...options }) },
        FlagStreams,
        MissedFlagChanges,
      ],
      exports: [FlagStreams],
    };
  }
}
