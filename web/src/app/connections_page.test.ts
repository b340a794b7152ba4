import { describe, expect, it } from 'vitest';
import { connectionTypeOptions } from './connections_page';

// What the server serves in GET /api/v1/modules (`connection_types`) for the built-in modules.
const kServed = ['http', 'mysql', 'postgres', 's3', 'secret', 'sqlite'];

describe('connection type options', () => {
  const cases: { name: string; served: string[] | undefined; current: string; want: string[] }[] = [
    { name: 'a new connection gets exactly the served list', served: kServed, current: 'postgres', want: kServed },
    { name: 'types nothing can use are not offered', served: kServed, current: '', want: kServed },
    {
      name: 'an old connection keeps its type selectable',
      served: kServed,
      current: 'kafka',
      want: [...kServed, 'kafka'],
    },
    { name: 'before the list arrives only the current type shows', served: undefined, current: 'postgres', want: ['postgres'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = connectionTypeOptions(c.served, c.current);
      expect(got).toEqual(c.want);
      for (const unusable of ['smtp', 'redis', 'rabbitmq', 'nats']) expect(got).not.toContain(unusable);
    });
  }
});
