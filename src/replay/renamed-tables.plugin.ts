import {
  OperationNodeTransformer,
  TableNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';

/**
 * Points the queries built through it at other tables of the same schema: `flag_state` becomes
 * `rebuild_flag_state` for a projection replaying into a copy it does not know about. Column references
 * qualified by a renamed table (`flag_state.key`) follow it, since their table is a TableNode too;
 * tables already qualified by a schema, and raw SQL, are left alone.
 */
export class RenamedTablesPlugin implements KyselyPlugin {
  private readonly transformer: RenamingTransformer;

  constructor(names: ReadonlyMap<string, string>) {
    this.transformer = new RenamingTransformer(names);
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.transformer.transformNode(args.node, args.queryId);
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

class RenamingTransformer extends OperationNodeTransformer {
  constructor(private readonly names: ReadonlyMap<string, string>) {
    super();
  }

  protected override transformTable(node: TableNode, queryId?: QueryId): TableNode {
    const transformed = super.transformTable(node, queryId);
    if (transformed.table.schema !== undefined) return transformed;
    const renamed = this.names.get(transformed.table.identifier.name);
    return renamed === undefined ? transformed : TableNode.create(renamed);
  }
}
