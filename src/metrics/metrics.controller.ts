import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { Public } from '../auth/index.js';
import { FlagledgerMetrics } from './flagledger-metrics.js';
import { MetricsTokenGuard } from './metrics-token.guard.js';

@Controller()
export class MetricsController {
  constructor(private readonly metrics: FlagledgerMetrics) {}

  /**
   * Public to the API's tokens like /health (docs/contract.md §4): it exposes counts, never flag contents.
   * A scraper carries FLAGLEDGER_METRICS_TOKEN instead, when one is set.
   */
  @Get('metrics')
  @Public()
  @UseGuards(MetricsTokenGuard)
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
