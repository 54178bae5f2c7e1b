/** A request's state as a word; the CSS colours it by the state's name. */
export function StateBadge(props: { state: string }) {
  return <mark className={`badge request-${props.state}`}>{props.state.replace('_', ' ')}</mark>;
}
