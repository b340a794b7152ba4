import { describe, expect, it } from 'vitest';
import { addressHint, connectionTypeOptions } from './connections_page';

// What the server serves in GET /api/v1/modules (`connection_types`) for the built-in modules.
const kServed = ['azure_blob', 'clickhouse', 'http', 'mysql', 'postgres', 'rabbitmq', 's3', 'secret', 'sqlite'];

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
      for (const unusable of ['smtp', 'redis', 'nats']) expect(got).not.toContain(unusable);
    });
  }
});

describe('address hints', () => {
  it('ask for a URL where the connector takes one', () => {
    expect(addressHint('clickhouse').host).toMatch(/^http:\/\/.*:8123/);
    expect(addressHint('http').host).toMatch(/^https:\/\//);
    expect(addressHint('azure_blob').host).toMatch(/^https:\/\/.*\.blob\.core\.windows\.net/);
  });
  it('ask for a host name and the default port for databases', () => {
    expect(addressHint('postgres')).toEqual({ host: 'db.example.com', port: '5432' });
    expect(addressHint('mysql').port).toBe('3306');
    expect(addressHint('rabbitmq')).toEqual({ host: 'mq.example.com', port: '5672' });
    expect(addressHint('secret')).toEqual({ host: '', port: '' });
  });
});
