import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, type AppModuleOptions } from './app.module.js';
import { StoreHealth } from './event-store/index.js';
import { staleHeader } from './health/index.js';
import { consoleAssets, jsonBodyMiddleware, securityHeaders } from './http/index.js';
import { OFREP_PATH, ofrepBodyRefusal, ofrepCors } from './ofrep/index.js';

/** Builds the app exactly as production runs it; main.ts and the e2e tests both use this. */
export async function createApp(
  options: AppModuleOptions & {
    logger: LoggerService | false;
    /** The built console (dist/console) served at `/`; none when absent. */
    consoleDir?: string;
  },
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    bodyParser: false,
    logger: options.logger,
  });
  app.use(securityHeaders());
  app.use(staleHeader(app.get(StoreHealth)));
  for (const handler of consoleAssets(options.consoleDir)) app.use(handler);
  if (options.config.corsOrigins.length > 0) app.use(OFREP_PATH, ofrepCors(options.config.corsOrigins));
  // OFREP's clients read its own error shape: a body refused on its path is answered in it.
  app.use(OFREP_PATH, ...jsonBodyMiddleware(ofrepBodyRefusal));
  app.use(...jsonBodyMiddleware());
  app.disable('x-powered-by');
  app.set('etag', false);
  app.enableShutdownHooks();
  return app;
}
