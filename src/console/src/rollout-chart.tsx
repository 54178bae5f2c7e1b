import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

/**
 * What users got over time, per environment: the effective rollout % (0 while off or killed) after each
 * event, as steps. uPlot draws it on a canvas (small, well kept, no inline style attributes); loaded with
 * the flag page only, so the first page stays light.
 */
export default function RolloutChart(props: {
  times: number[];
  series: Record<string, number[]>;
  /** 'rollout': % steps from 0 to 100; 'count': evaluations per hour, as bars. */
  kind?: 'rollout' | 'count';
  label: string;
}) {
  const kind = props.kind ?? 'rollout';
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (element === null || props.times.length === 0) return;
    const names = Object.keys(props.series);
    const colours = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df'];
    const plot = new uPlot(
      {
        width: Math.max(320, element.clientWidth),
        height: 220,
        scales:
          kind === 'rollout' ? { y: { range: [0, 100] } } : { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [{}, { values: (_u, ticks) => ticks.map((t) => (kind === 'rollout' ? `${t} %` : String(t))) }],
        series: [
          {},
          ...names.map((name, i) => ({
            label: name,
            stroke: colours[i % colours.length],
            width: 2,
            paths: kind === 'rollout' ? uPlot.paths.stepped!({ align: 1 }) : uPlot.paths.bars!({ size: [0.8, 12] }),
            ...(kind === 'count' ? { fill: `${colours[i % colours.length]}66` } : {}),
          })),
        ],
      },
      [props.times, ...names.map((name) => props.series[name]!)],
      element,
    );
    return () => plot.destroy();
  }, [props.times, props.series, kind]);
  return <div ref={container} className="chart" role="img" aria-label={props.label} />;
}
