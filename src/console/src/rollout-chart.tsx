import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

/**
 * What users got over time, per environment: the effective rollout % (0 while off or killed) after each
 * event, as steps. uPlot draws it on a canvas (small, well kept, no inline style attributes); loaded with
 * the flag page only, so the first page stays light.
 */
export default function RolloutChart(props: { times: number[]; series: Record<string, number[]> }) {
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
        scales: { y: { range: [0, 100] } },
        axes: [{}, { values: (_u, ticks) => ticks.map((t) => `${t} %`) }],
        series: [
          {},
          ...names.map((name, i) => ({
            label: name,
            stroke: colours[i % colours.length],
            width: 2,
            paths: uPlot.paths.stepped!({ align: 1 }),
          })),
        ],
      },
      [props.times, ...names.map((name) => props.series[name]!)],
      element,
    );
    return () => plot.destroy();
  }, [props.times, props.series]);
  return <div ref={container} className="chart" />;
}
