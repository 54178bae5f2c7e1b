import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../auth/index.js';
import { FlagledgerMetrics } from './flagledger-metrics.js';

@Controller()
export class MetricsController {
  constructor(private readonly metrics: FlagledgerMetrics) {}

  /** Public like /health (docs/contract.md §4): scrapers carry no token; it exposes counts, never flag contents. */
  @Get('metrics')
  @Public()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
