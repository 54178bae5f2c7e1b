import { Module } from '@nestjs/common';
import { FlagsModule } from '../flags/index.js';
import { LifecycleController } from './lifecycle.controller.js';
import { StaleFlags } from './stale-flags.js';

/**
 * Stale-flag detection. AppModule imports it before FlagsModule: Nest registers routes module by
 * module, and GET /v1/flags/stale must be matched before GET /v1/flags/:key.
 */
@Module({ imports: [FlagsModule], controllers: [LifecycleController], providers: [StaleFlags], exports: [StaleFlags] })
export class LifecycleModule {}
