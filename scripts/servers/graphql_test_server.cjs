// A real GraphQL server (Apollo Server + graphql-js, from npm) for the extract.graphql tests.
// Usage: node graphql_test_server.cjs PORT [TOKEN]   (prints "ready PORT" once listening)
// Every request needs "Authorization: Bearer TOKEN" (default gql-secret): anything else is
// answered 401 with a GraphQL `errors` array, as Apollo does for an error thrown in `context`.
//
// Data: ORDER_COUNT orders {id, number, amount, status, placedAt, paid, customer {name, city},
// tags}; `orders(first, after, status)` is a relay connection whose cursors are opaque base64.
// Faults: the field `broken` fails in its resolver for order 2 (an `errors` entry with path and
// locations beside partial data). A request whose variables carry `flakyKey: "<status>-<name>"`
// (status 503 or 429) is answered with that status the first time that key is seen, so a client
// that does not retry fails; `requests(key)` says how many requests carried the key.
const { ApolloServer, HeaderMap } = require('@apollo/server');
const { startStandaloneServer } = require('@apollo/server/standalone');
const { GraphQLError } = require('graphql');

const ORDER_COUNT = 2345;
const port = Number(process.argv[2] || 0);
const token = process.argv[3] || 'gql-secret';

const CITIES = ['Oslo', 'Zürich', 'São Paulo', 'Köln', '東京'];
const orders = [];
for (let i = 1; i <= ORDER_COUNT; ++i) {
  orders.push({
    id: i,
    number: `ORD-${String(i).padStart(5, '0')}`,
    amount: (i * 37 % 10000) / 100,
    status: i % 3 === 0 ? 'closed' : 'open',
    placedAt: new Date(Date.UTC(2024, 0, 1) + i * 3600 * 1000).toISOString(),
    paid: i % 2 === 0,
    customer: i % 7 === 0 ? null : { name: `Customer "${i}" & <Co>`, city: CITIES[i % CITIES.length] },
    tags: [`t${i % 4}`],
  });
}

const typeDefs = `#graphql
  type Customer { name: String, city: String }
  type Order {
    id: Int!
    number: String!
    amount: Float!
    status: String!
    placedAt: String!
    paid: Boolean!
    customer: Customer
    tags: [String!]!
    broken: String
  }
  type OrderEdge { cursor: String!, node: Order! }
  type PageInfo { hasNextPage: Boolean!, endCursor: String }
  type OrderConnection { edges: [OrderEdge!]!, pageInfo: PageInfo!, totalCount: Int! }
  type Query {
    orders(first: Int!, after: String, status: String): OrderConnection!
    requests(key: String!): Int!
  }
`;

const encode = (id) => Buffer.from(`order:${id}`).toString('base64');
const decode = (cursor) => {
  const text = Buffer.from(cursor, 'base64').toString();
  if (!text.startsWith('order:')) throw new GraphQLError(`invalid cursor "${cursor}"`);
  return Number(text.slice(6));
};

const requestsByKey = new Map();

const resolvers = {
  Query: {
    orders: (_, { first, after, status }) => {
      if (first < 1 || first > 500) throw new GraphQLError('first must be between 1 and 500');
      const afterId = after ? decode(after) : 0;
      const matching = orders.filter((o) => o.id > afterId && (!status || o.status === status));
      const total = orders.filter((o) => !status || o.status === status).length;
      const page = matching.slice(0, first);
      return {
        edges: page.map((o) => ({ cursor: encode(o.id), node: o })),
        pageInfo: { hasNextPage: matching.length > first, endCursor: page.length ? encode(page[page.length - 1].id) : null },
        totalCount: total,
      };
    },
    requests: (_, { key }) => requestsByKey.get(key) || 0,
  },
  Order: {
    broken: (o) => {
      if (o.id === 2) throw new GraphQLError(`order ${o.id} cannot be read`, { extensions: { code: 'ORDER_LOCKED' } });
      return 'fine';
    },
  },
};

async function main() {
  const server = new ApolloServer({ typeDefs, resolvers, includeStacktraceInErrorResponses: false });
  const { url } = await startStandaloneServer(server, {
    listen: { port, host: '127.0.0.1' },
    context: async ({ req }) => {
      if (req.headers.authorization !== `Bearer ${token}`) {
        throw new GraphQLError('not authenticated: a valid bearer token is required', {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
        });
      }
      const body = req.body || {};
      const key = body.variables && body.variables.flakyKey;
      if (key) {
        const seen = (requestsByKey.get(key) || 0) + 1;
        requestsByKey.set(key, seen);
        if (seen === 1) {
          const status = key.startsWith('429') ? 429 : 503;
          throw new GraphQLError(status === 429 ? 'slow down' : 'temporarily unavailable', {
            extensions: { code: 'UNAVAILABLE', http: { status, headers: new HeaderMap([['retry-after', '0']]) } },
          });
        }
      }
      return {};
    },
  });
  process.stdout.write(`ready ${new URL(url).port}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(1);
});
