/** A node of PostgreSQL's `explain (analyze, buffers, format json)` plan, as the plan tests read it. */
export type PlanNode = {
  'Node Type': string;
  'Index Name'?: string;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
};

export const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];
export const buffers = (n: PlanNode) => n['Shared Hit Blocks'] + n['Shared Read Blocks'];
/** "Limit > Nested Loop > Index Scan images_public_created_idx > ...", for failure messages. */
export const shape = (n: PlanNode) => nodes(n).map((x) => `${x['Node Type']}${x['Index Name'] ? ` ${x['Index Name']}` : ''}`).join(' > ');
