import { readFileSync } from 'node:fs';

/** The shell block of README.md between `<!-- name:start -->` and `<!-- name:end -->`, exactly as printed. */
export function readmeBlock(name: string): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = new RegExp(`<!-- ${name}:start -->\\n\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\n<!-- ${name}:end -->`).exec(
    readme,
  );
  if (block === null) throw new Error(`README.md has no ${name} block between its markers`);
  return block[1]!;
}

/** A README walk-through as a reader runs it: the shared helpers, then the block. */
export function readmeWalkthrough(name: string): string {
  return `${readmeBlock('walkthrough-helpers')}\n${readmeBlock(name)}`;
}
