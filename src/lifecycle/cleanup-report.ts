import type { SourceReference } from './source-references.js';
import type { StaleFlag, StaleReport } from './stale-flags.js';

export interface CleanupReport {
  generatedAt: string;
  thresholds: StaleReport['thresholds'];
  owners: { owner: string; flags: (StaleFlag & { references?: SourceReference[] })[] }[];
}

/** The stale flags grouped by owner (alphabetical), each with the code that still references it when a source tree was scanned. */
export function cleanupReport(stale: StaleReport, references?: Map<string, SourceReference[]>): CleanupReport {
  const byOwner = new Map<string, CleanupReport['owners'][number]['flags']>();
  for (const flag of stale.flags) {
    const list = byOwner.get(flag.owner) ?? [];
    list.push(references === undefined ? flag : { ...flag, references: references.get(flag.key) ?? [] });
    byOwner.set(flag.owner, list);
  }
  const owners = [...byOwner.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([owner, flags]) => ({ owner, flags }));
  return { generatedAt: stale.generatedAt, thresholds: stale.thresholds, owners };
}

/** Markdown for the monthly cleanup (brief, rule 7): one section per owner, a checklist per flag. */
export function cleanupReportMarkdown(report: CleanupReport): string {
  const count = report.owners.reduce((n, o) => n + o.flags.length, 0);
  const out = [
    `# Stale flags — ${report.generatedAt.slice(0, 10)}`,
    '',
    `${count} stale flag${count === 1 ? '' : 's'}.`,
    '',
  ];
  for (const { owner, flags } of report.owners) {
    out.push(`## ${owner}`, '');
    for (const flag of flags) {
      const facts = [
        flag.rules.join(', '),
        flag.ticket ? `ticket ${flag.ticket}` : 'no ticket',
        `${flag.ageDays} days old`,
        `last evaluated ${flag.lastEvaluatedAt ?? 'never'}`,
      ];
      out.push(`- [ ] \`${flag.key}\` (${flag.type}): ${facts.join('; ')}`);
      if (flag.references !== undefined) {
        if (flag.references.length === 0) out.push('  - no references left in the source: archive it');
        for (const ref of flag.references) out.push(`  - ${ref.file}:${ref.line} \`${ref.text.replace(/`/g, "'")}\``);
      }
    }
    out.push('');
  }
  return out.join('\n');
}
