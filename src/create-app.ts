import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, type AppModuleOptions } from './app.module.js';
import { jsonBodyMiddleware } from './http/index.js';

/** Builds the app exactly as production runs it; main.ts and the e2e tests both use this. */
export async function createApp(
  options: AppModuleOptions & { logger: LoggerService | false },
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    bodyParser: false,
    logger: options.logger,
  });
  app.use(...jsonBodyMiddleware());
  app.disable('x-powered-by');
  app.set('etag', false);
  app.enableShutdownHooks();
  return app;
}
