package store

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
)

// Code is a Confluent Schema Registry error_code. Clients branch on these numbers (the Java
// client treats 40401/40402/40403 as "missing", franz-go maps them to named errors), so they are
// part of the wire contract.
type Code int

// The Confluent error codes Accord produces. Framework-level failures (400, 404, 405, 406, 413,
// 415, 422) use the HTTP status itself as the code, as Confluent's REST layer does.
const (
	CodeBadRequest                      Code = 400
	CodeUnauthorized                    Code = 401
	CodeNotFound                        Code = 404
	CodeMethodNotAllowed                Code = 405
	CodeNotAcceptable                   Code = 406
	CodeIncompatibleLegacy              Code = 409
	CodeRequestTooLarge                 Code = 413
	CodeUnsupportedMediaType            Code = 415
	CodeUnprocessable                   Code = 422
	CodeTooManyRequests                 Code = 429
	CodeInternal                        Code = 500
	CodeForbidden                       Code = 40301
	CodeKMSAccessDenied                 Code = 40370
	CodeSubjectNotFound                 Code = 40401
	CodeVersionNotFound                 Code = 40402
	CodeSchemaNotFound                  Code = 40403
	CodeSubjectSoftDeleted              Code = 40404
	CodeSubjectNotSoftDeleted           Code = 40405
	CodeVersionSoftDeleted              Code = 40406
	CodeVersionNotSoftDeleted           Code = 40407
	CodeSubjectLevelConfigNotConfigured Code = 40408
	CodeSubjectLevelModeNotConfigured   Code = 40409
	CodeAssociationNotFound             Code = 40410
	CodeExporterNotFound                Code = 40450
	CodeKeyNotFound                     Code = 40470
	CodeKeyNotSoftDeleted               Code = 40471
	CodeKeySoftDeleted                  Code = 40472
	CodeIncompatibleSchema              Code = 40901
	CodeAssociationForResourceExists    Code = 40903
	CodeAssociationForSubjectExists     Code = 40904
	CodeStrongAssociationExists         Code = 40905
	CodeNoActiveSubjectVersion          Code = 40907
	CodeAssociationFrozen               Code = 40908
	CodeInvalidExporterName             Code = 40950
	CodeInvalidExporterConfig           Code = 40951
	CodeInvalidExporterSubjects         Code = 40952
	CodeExporterExists                  Code = 40960
	CodeExporterRunning                 Code = 40961
	CodeExporterNotPaused               Code = 40963
	CodeTooManyExporters                Code = 40964
	CodeKeyExists                       Code = 40971
	CodeTooManyKeys                     Code = 40972
	CodeInvalidSchema                   Code = 42201
	CodeInvalidVersion                  Code = 42202
	CodeInvalidCompatibility            Code = 42203
	CodeInvalidMode                     Code = 42204
	CodeOperationNotPermitted           Code = 42205
	CodeReferenceExists                 Code = 42206
	CodeIDMismatch                      Code = 42207
	CodeInvalidSubject                  Code = 42208
	CodeSchemaTooLarge                  Code = 42209
	CodeInvalidRuleSet                  Code = 42210
	CodeContextNotEmpty                 Code = 42211
	CodeInvalidAssociation              Code = 42212
	CodeInvalidKey                      Code = 42271
	CodeKeyReferenceExists              Code = 42272
	CodeStoreError                      Code = 50001
	CodeOperationTimeout                Code = 50002
	CodeForwardingError                 Code = 50003
	CodeUnknownLeader                   Code = 50004
	CodeDekGeneration                   Code = 50070
)

// codeInfo is one row of the code table: Confluent's name for the code and its HTTP status.
type codeInfo struct {
	name   string
	status int
}

// codes is the whole code table. A test walks it so no code exists without a status.
var codes = map[Code]codeInfo{
	CodeBadRequest:                      {"bad_request", http.StatusBadRequest},
	CodeUnauthorized:                    {"unauthorized", http.StatusUnauthorized},
	CodeNotFound:                        {"not_found", http.StatusNotFound},
	CodeMethodNotAllowed:                {"method_not_allowed", http.StatusMethodNotAllowed},
	CodeNotAcceptable:                   {"not_acceptable", http.StatusNotAcceptable},
	CodeIncompatibleLegacy:              {"incompatible_schema", http.StatusConflict},
	CodeRequestTooLarge:                 {"request_entity_too_large", http.StatusRequestEntityTooLarge},
	CodeUnsupportedMediaType:            {"unsupported_media_type", http.StatusUnsupportedMediaType},
	CodeUnprocessable:                   {"unprocessable_entity", http.StatusUnprocessableEntity},
	CodeTooManyRequests:                 {"too_many_requests", http.StatusTooManyRequests},
	CodeInternal:                        {"internal_server_error", http.StatusInternalServerError},
	CodeForbidden:                       {"forbidden", http.StatusForbidden},
	CodeSubjectNotFound:                 {"subject_not_found", http.StatusNotFound},
	CodeVersionNotFound:                 {"version_not_found", http.StatusNotFound},
	CodeSchemaNotFound:                  {"schema_not_found", http.StatusNotFound},
	CodeSubjectSoftDeleted:              {"subject_soft_deleted", http.StatusNotFound},
	CodeSubjectNotSoftDeleted:           {"subject_not_soft_deleted", http.StatusNotFound},
	CodeVersionSoftDeleted:              {"schema_version_soft_deleted", http.StatusNotFound},
	CodeVersionNotSoftDeleted:           {"schema_version_not_soft_deleted", http.StatusNotFound},
	CodeSubjectLevelConfigNotConfigured: {"subject_level_compatibility_not_configured", http.StatusNotFound},
	CodeSubjectLevelModeNotConfigured:   {"subject_level_mode_not_configured", http.StatusNotFound},
	CodeIncompatibleSchema:              {"incompatible_schema", http.StatusConflict},
	CodeAssociationNotFound:             {"association_not_found", http.StatusNotFound},
	CodeAssociationForResourceExists:    {"association_for_resource_exists", http.StatusConflict},
	CodeAssociationForSubjectExists:     {"association_for_subject_exists", http.StatusConflict},
	CodeStrongAssociationExists:         {"strong_association_for_subject_exists", http.StatusConflict},
	CodeNoActiveSubjectVersion:          {"no_active_subject_version_exists", http.StatusConflict},
	CodeAssociationFrozen:               {"association_frozen", http.StatusConflict},
	CodeInvalidAssociation:              {"invalid_association", http.StatusUnprocessableEntity},
	CodeKMSAccessDenied:                 {"dek_generation_forbidden", http.StatusForbidden},
	CodeKeyNotFound:                     {"key_not_found", http.StatusNotFound},
	CodeExporterNotFound:                {"exporter_not_found", http.StatusNotFound},
	CodeInvalidExporterName:             {"invalid_exporter_name", http.StatusConflict},
	CodeInvalidExporterConfig:           {"invalid_exporter_config", http.StatusConflict},
	CodeInvalidExporterSubjects:         {"invalid_exporter_subjects", http.StatusConflict},
	CodeExporterExists:                  {"exporter_already_exists", http.StatusConflict},
	CodeExporterRunning:                 {"exporter_already_running", http.StatusConflict},
	CodeExporterNotPaused:               {"exporter_not_paused", http.StatusConflict},
	CodeTooManyExporters:                {"too_many_exporters", http.StatusConflict},
	CodeKeyNotSoftDeleted:               {"key_not_soft_deleted", http.StatusNotFound},
	CodeKeySoftDeleted:                  {"key_soft_deleted", http.StatusNotFound},
	CodeKeyExists:                       {"key_already_exists", http.StatusConflict},
	CodeTooManyKeys:                     {"too_many_keys", http.StatusConflict},
	CodeInvalidKey:                      {"invalid_key", http.StatusUnprocessableEntity},
	CodeKeyReferenceExists:              {"key_reference_exists", http.StatusUnprocessableEntity},
	CodeDekGeneration:                   {"dek_generation_error", http.StatusInternalServerError},
	CodeInvalidSchema:                   {"invalid_schema", http.StatusUnprocessableEntity},
	CodeInvalidVersion:                  {"invalid_version", http.StatusUnprocessableEntity},
	CodeInvalidCompatibility:            {"invalid_compatibility_level", http.StatusUnprocessableEntity},
	CodeInvalidMode:                     {"invalid_mode", http.StatusUnprocessableEntity},
	CodeOperationNotPermitted:           {"operation_not_permitted", http.StatusUnprocessableEntity},
	CodeReferenceExists:                 {"reference_exists", http.StatusUnprocessableEntity},
	CodeIDMismatch:                      {"id_does_not_match", http.StatusUnprocessableEntity},
	CodeInvalidSubject:                  {"invalid_subject", http.StatusUnprocessableEntity},
	CodeSchemaTooLarge:                  {"schema_too_large", http.StatusUnprocessableEntity},
	CodeInvalidRuleSet:                  {"invalid_ruleset", http.StatusUnprocessableEntity},
	CodeContextNotEmpty:                 {"context_not_empty", http.StatusUnprocessableEntity},
	CodeStoreError:                      {"store_error", http.StatusInternalServerError},
	CodeOperationTimeout:                {"operation_timeout", http.StatusInternalServerError},
	CodeForwardingError:                 {"request_forward_failed", http.StatusInternalServerError},
	CodeUnknownLeader:                   {"unknown_leader", http.StatusInternalServerError},
}

// Status returns the HTTP status that carries c.
func (c Code) Status() int {
	if info, ok := codes[c]; ok {
		return info.status
	}
	return http.StatusInternalServerError
}

// Name returns Confluent's name for c, or "unknown".
func (c Code) Name() string {
	if info, ok := codes[c]; ok {
		return info.name
	}
	return "unknown"
}

// Error is the registry's one error type: a Confluent code, the public message sent to the
// client, and an optional private cause that is logged but never sent.
type Error struct {
	Code    Code
	Message string
	err     error
}

var _ slog.LogValuer = (*Error)(nil)

// Errorf returns an [Error] with code and a formatted public message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an [Error] with code and message whose private cause is err.
func Wrap(code Code, err error, message string) *Error {
	return &Error{Code: code, Message: message, err: err}
}

// Error returns the public message, followed by the cause when there is one.
func (e *Error) Error() string {
	if e.err != nil {
		return e.Message + ": " + e.err.Error()
	}
	return e.Message
}

// Unwrap returns the private cause.
func (e *Error) Unwrap() error { return e.err }

// LogValue renders the error as a slog group.
func (e *Error) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.Int("code", int(e.Code)),
		slog.String("name", e.Code.Name()),
		slog.String("message", e.Message),
	}
	if e.err != nil {
		attrs = append(attrs, slog.String("cause", e.err.Error()))
	}
	return slog.GroupValue(attrs...)
}

// The constructors below carry Confluent's exact wording, so that tools matching on messages
// keep working.

func errSubjectNotFound(subject string) *Error {
	return Errorf(CodeSubjectNotFound, "Subject '%s' not found.", subject)
}

func errVersionNotFound(version int) *Error {
	return Errorf(CodeVersionNotFound, "Version %d not found.", version)
}

func errSchemaIDNotFound(id int) *Error {
	return Errorf(CodeSchemaNotFound, "Schema %d not found", id)
}

func errSchemaGUIDNotFound(guid string) *Error {
	return Errorf(CodeSchemaNotFound, "Schema %s not found", guid)
}

func errSchemaNotFound() *Error {
	return Errorf(CodeSchemaNotFound, "Schema not found")
}

func errSubjectSoftDeleted(subject string) *Error {
	return Errorf(CodeSubjectSoftDeleted, "Subject '%s' was soft deleted.Set permanent=true to delete permanently", subject)
}

func errSubjectNotSoftDeleted(subject string) *Error {
	return Errorf(CodeSubjectNotSoftDeleted, "Subject '%s' was not deleted first before being permanently deleted", subject)
}

func errVersionSoftDeleted(subject string, version int) *Error {
	return Errorf(CodeVersionSoftDeleted, "Subject '%s' Version %d was soft deleted.Set permanent=true to delete permanently", subject, version)
}

func errVersionNotSoftDeleted(subject string, version int) *Error {
	return Errorf(CodeVersionNotSoftDeleted, "Subject '%s' Version %d was not deleted first before being permanently deleted", subject, version)
}

func errConfigNotConfigured(subject string) *Error {
	return Errorf(CodeSubjectLevelConfigNotConfigured, "Subject '%s' does not have subject-level compatibility configured", subject)
}

func errModeNotConfigured(subject string) *Error {
	return Errorf(CodeSubjectLevelModeNotConfigured, "Subject '%s' does not have subject-level mode configured", subject)
}

func errIncompatible(code Code, subject string, messages []string) *Error {
	return Errorf(code, "Schema being registered is incompatible with an earlier schema for subject \"%s\", details: [%s]",
		subject, strings.Join(messages, ", "))
}

func errInvalidSchema(message string) *Error {
	return Errorf(CodeInvalidSchema, "%s", message)
}

func errInvalidSubject(subject string) *Error {
	return Errorf(CodeInvalidSubject, "The specified subject '%s' is not a valid.", subject)
}

func errReferenceExists(subject string, version int) *Error {
	return Errorf(CodeReferenceExists, "One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=%s,version=%d}.", subject, version)
}

func errReadOnly(subject string) *Error {
	name, ctx := splitForMessage(subject)
	return Errorf(CodeOperationNotPermitted, "Subject %s in context %s is in read-only mode", name, ctx)
}

func errStore(err error) *Error {
	return Wrap(CodeStoreError, err, "Error while writing to the store")
}

// InvalidVersion is the 42202 error for an unparsable version path segment.
func InvalidVersion(version string) *Error {
	return Errorf(CodeInvalidVersion, "The specified version '%s' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"", version)
}

// InvalidCompatibility is the 42203 error for an unknown compatibility level.
func InvalidCompatibility() *Error {
	return Errorf(CodeInvalidCompatibility, "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive")
}

// InvalidMode is the 42204 error for an unknown mode.
func InvalidMode() *Error {
	return Errorf(CodeInvalidMode, "Invalid mode. Valid values are READWRITE, READONLY, IMPORT and FORWARD.")
}
