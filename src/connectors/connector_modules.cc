#include "connectors/connector_modules.h"

#include "connectors/azure/azure_blob_modules.h"
#include "connectors/clickhouse/clickhouse_extract.h"
#include "connectors/clickhouse/clickhouse_load.h"
#include "connectors/http/graphql_extract.h"
#include "connectors/http/lookup.h"
#include "connectors/http/rest_extract.h"
#include "connectors/http/rest_load.h"
#include "connectors/mysql/mysql_extract.h"
#include "connectors/mysql/mysql_load.h"
#include "connectors/postgres/pg_extract.h"
#include "connectors/postgres/pg_load.h"
#include "connectors/rabbitmq/rabbitmq_extract.h"
#include "connectors/rabbitmq/rabbitmq_load.h"
#include "connectors/s3/s3_modules.h"
#include "connectors/sql_task.h"
#include "connectors/sqlite/sqlite_extract.h"
#include "connectors/sqlite/sqlite_load.h"

namespace logidata {

Status RegisterConnectorModules(ModuleRegistry& registry) {
  LD_RETURN_IF_ERROR(registry.Register(PostgresExtractModule()));
  LD_RETURN_IF_ERROR(registry.Register(PostgresLoadModule()));
  LD_RETURN_IF_ERROR(registry.Register(MysqlExtractModule()));
  LD_RETURN_IF_ERROR(registry.Register(MysqlLoadModule()));
  LD_RETURN_IF_ERROR(registry.Register(SqliteExtractModule()));
  LD_RETURN_IF_ERROR(registry.Register(SqliteLoadModule()));
  LD_RETURN_IF_ERROR(registry.Register(ClickhouseExtractModule()));
  LD_RETURN_IF_ERROR(registry.Register(ClickhouseLoadModule()));
  LD_RETURN_IF_ERROR(registry.Register(RestExtractModule()));
  LD_RETURN_IF_ERROR(registry.Register(GraphqlExtractModule()));
  LD_RETURN_IF_ERROR(registry.Register(RestLoadModule()));
  LD_RETURN_IF_ERROR(registry.Register(LookupModule()));
  LD_RETURN_IF_ERROR(registry.Register(S3ExtractModule()));
  LD_RETURN_IF_ERROR(registry.Register(S3LoadModule()));
  LD_RETURN_IF_ERROR(registry.Register(AzureBlobExtractModule()));
  LD_RETURN_IF_ERROR(registry.Register(AzureBlobLoadModule()));
  LD_RETURN_IF_ERROR(registry.Register(RabbitmqExtractModule()));
  LD_RETURN_IF_ERROR(registry.Register(RabbitmqLoadModule()));
  LD_RETURN_IF_ERROR(registry.Register(SqlTaskModule()));
  return Status::OK();
}

}  // namespace logidata
