package api

import (
	"github.com/labstack/echo/v4"

	"github.com/accord-registry/accord/api/exporter"
)

// register is the whole route table. A test keeps it and the OpenAPI document in step. The writes
// carry h.forward: a follower sends them to the leader, as Confluent's followers do, and a test
// pins which routes those are. Lookups and compatibility checks are reads, served locally.
func register(e *echo.Echo, h *handlers) {
	e.GET("/", h.root)
	e.POST("/", h.root)

	e.GET("/schemas", h.listSchemas)
	e.GET("/schemas/types", h.schemaTypes)
	e.GET("/schemas/ids/:id", h.schemaByID)
	e.GET("/schemas/ids/:id/schema", h.rawSchemaByID)
	e.GET("/schemas/ids/:id/subjects", h.idSubjects)
	e.GET("/schemas/ids/:id/versions", h.idVersions)
	e.GET("/schemas/guids/:guid", h.schemaByGUID)
	e.GET("/schemas/guids/:guid/ids", h.guidIDs)

	e.GET("/subjects", h.listSubjects)
	e.POST("/subjects/:subject", h.lookup)
	e.DELETE("/subjects/:subject", h.deleteSubject, h.forward("delete subject"))
	e.GET("/subjects/:subject/metadata", h.subjectMetadata)
	e.GET("/subjects/:subject/versions", h.listVersions)
	e.POST("/subjects/:subject/versions", h.registerSchema, h.forward("register schema"))
	e.GET("/subjects/:subject/versions/:version", h.getVersion)
	e.DELETE("/subjects/:subject/versions/:version", h.deleteVersion, h.forward("delete schema version"))
	e.GET("/subjects/:subject/versions/:version/schema", h.rawVersion)
	e.GET("/subjects/:subject/versions/:version/referencedby", h.referencedBy)

	e.POST("/compatibility/subjects/:subject/versions/:version", h.checkVersion)
	e.POST("/compatibility/subjects/:subject/versions", h.checkAll)

	e.GET("/config", h.getConfig)
	e.PUT("/config", h.putConfig, h.forward("update config"))
	e.DELETE("/config", h.deleteConfig, h.forward("delete config"))
	e.GET("/config/:subject", h.getConfig)
	e.PUT("/config/:subject", h.putConfig, h.forward("update config"))
	e.DELETE("/config/:subject", h.deleteConfig, h.forward("delete config"))

	e.GET("/mode", h.getMode)
	e.PUT("/mode", h.putMode, h.forward("update mode"))
	e.DELETE("/mode", h.deleteMode, h.forward("delete mode"))
	e.GET("/mode/:subject", h.getMode)
	e.PUT("/mode/:subject", h.putMode, h.forward("update mode"))
	e.DELETE("/mode/:subject", h.deleteMode, h.forward("delete mode"))

	e.GET("/contexts", h.listContexts)
	e.DELETE("/contexts/:context", h.deleteContext, h.forward("delete context"))

	e.GET("/associations/subjects/:subject", h.associationsBySubject)
	e.GET("/associations/resources/:resourceId", h.associationsByResourceID)
	e.GET("/associations/resources/:resourceNamespace/:resourceName", h.associationsByResource)
	e.POST("/associations", h.createAssociation, h.forward("create association"))
	e.PUT("/associations/resources/:resourceId", h.upsertAssociation, h.forward("create or update association"))
	e.DELETE("/associations/resources/:resourceId", h.deleteAssociations, h.forward("delete association"))
	// The colon is literal, as in Confluent's @Path; %3A does not match it (Jersey matches the
	// escaped path).
	e.POST(`/associations\:batchGet`, h.batchGetAssociations)
	e.POST(`/associations\:batchMutate`, h.mutateAssociations, h.forward("mutate associations"))

	registerKeys(e, h)
	registerExporters(e, h)

	e.GET("/v1/metadata/id", h.clusterID)
	e.GET("/v1/metadata/version", h.serverVersion)
	e.GET("/v1/metadata/deployment", h.deployment)

	e.GET("/metrics", h.metrics)
	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)
	e.GET("/openapi.yaml", h.openapiDocument)
}

// registerKeys adds the DEK Registry's routes. Its writes are forwarded like schema writes;
// a KEK test only reads the registry (Confluent runs it on any instance).
func registerKeys(e *echo.Echo, h *handlers) {
	const kek = dekPrefix + "/keks/:name"
	const dek = kek + "/deks/:subject"
	e.GET(dekPrefix+"/keks", h.listKeks)
	e.POST(dekPrefix+"/keks", h.createKek, h.forward("create key"))
	e.GET(kek, h.getKek)
	e.PUT(kek, h.updateKek, h.forward("update key"))
	e.DELETE(kek, h.deleteKek, h.forward("delete key"))
	e.POST(kek+"/undelete", h.undeleteKek, h.forward("undelete key"))
	e.POST(kek+"/test", h.testKek)
	e.GET(kek+"/deks", h.listDekSubjects)
	e.POST(kek+"/deks", h.createDekLegacy, h.forward("create key"))
	e.GET(dek, h.getDek)
	e.POST(dek, h.createDek, h.forward("create key"))
	e.DELETE(dek, h.deleteDeks, h.forward("delete key"))
	e.POST(dek+"/undelete", h.undeleteDeks, h.forward("undelete key"))
	e.GET(dek+"/versions", h.listDekVersions)
	e.GET(dek+"/versions/:version", h.getDekVersion)
	e.DELETE(dek+"/versions/:version", h.deleteDekVersion, h.forward("delete key version"))
	e.POST(dek+"/versions/:version/undelete", h.undeleteDekVersion, h.forward("undelete key version"))
}

// registerExporters adds Schema Linking's routes (Confluent's SchemaExporterResource). Its
// writes are forwarded: the leader runs the exporters and alone writes their records.
func registerExporters(e *echo.Echo, h *handlers) {
	const one = "/exporters/:name"
	e.GET("/exporters", h.listExporters)
	e.POST("/exporters", h.createExporter, h.forward("create exporter"))
	e.GET(one, h.getExporter)
	e.PUT(one, h.updateExporter, h.forward("update exporter"))
	e.DELETE(one, h.deleteExporter, h.forward("delete exporter"))
	e.GET(one+"/status", h.exporterStatus)
	e.GET(one+"/config", h.getExporterConfig)
	e.PUT(one+"/config", h.putExporterConfig, h.forward("update exporter config"))
	e.PUT(one+"/pause", h.exporterVerb((*exporter.Manager).Pause), h.forward("pause exporter"))
	e.PUT(one+"/resume", h.exporterVerb((*exporter.Manager).Resume), h.forward("resume exporter"))
	e.PUT(one+"/reset", h.exporterVerb((*exporter.Manager).Reset), h.forward("reset exporter"))
}
