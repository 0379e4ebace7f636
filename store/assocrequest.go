package store

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
)

// The association types and lifecycles of Confluent's association API.
const (
	AssocKey        = "key"
	AssocValue      = "value"
	LifecycleStrong = "STRONG"
	LifecycleWeak   = "WEAK"
	topicResource   = "topic"
	resourceNameMax = 256 // RestValidation.NAME_MAX_LENGTH, in UTF-16 units as Java counts
)

// AssociationRequest is Confluent's AssociationCreateOrUpdateRequest: the body of
// POST /associations and PUT /associations/resources/{resourceId}.
type AssociationRequest struct {
	ResourceName      string
	ResourceNamespace string
	ResourceID        string
	ResourceType      string
	Associations      []AssociationChange
	// Context is the request's context parameter: the context of the subjects it names
	// without one (QualifiedSubject.create), as ":.ctx:" or ":.ctx".
	Context string
}

// AssociationChange is one AssociationCreateOrUpdateInfo: the association of one type the
// request creates or updates, with the schema to register under its subject on create.
type AssociationChange struct {
	Subject         *string
	AssociationType string
	Lifecycle       string // "", LifecycleStrong or LifecycleWeak
	Frozen          *bool
	Schema          *SchemaRequest
	Normalize       bool
}

// AssociationResponse is Confluent's AssociationResponse: the resource and the associations a
// create or update wrote, each with the schema it registered.
type AssociationResponse struct {
	ResourceName      string
	ResourceNamespace string
	ResourceID        string
	ResourceType      string
	Associations      []AssociationOutcome
}

// AssociationOutcome is Confluent's AssociationInfo.
type AssociationOutcome struct {
	Subject         string
	AssociationType string
	Lifecycle       string
	Frozen          *bool // set only when it differs from the lifecycle's default
	Schema          *Schema
}

func invalidAssociation(property, detail string) *Error {
	return Errorf(CodeInvalidAssociation, "The association specified an invalid value for property: '%s', detail: %s", property, detail)
}

// validate is AssociationCreateOrUpdateRequest.validate: the checks Confluent's resource makes
// before the registry sees the request, filling in the defaults (topic, value, WEAK or STRONG,
// the default subject :.namespace:name-type).
func (r *AssociationRequest) validate(create, dryRun bool) error {
	if err := validateResource(r.ResourceName, r.ResourceNamespace, r.ResourceID, &r.ResourceType, dryRun); err != nil {
		return err
	}
	if len(r.Associations) == 0 {
		return invalidAssociation("associations", "cannot be null or empty")
	}
	for i := range r.Associations {
		a := &r.Associations[i]
		if err := a.validate(create); err != nil {
			return err
		}
		if !create {
			continue
		}
		if err := a.defaultSubject(r.ResourceNamespace, r.ResourceName); err != nil {
			return err
		}
	}
	return nil
}

// defaultSubject gives a created association without a subject the topic's own subject
// (:.namespace:name-type), which a frozen association must use and a WEAK one must not.
func (a *AssociationChange) defaultSubject(namespace, name string) error {
	def := topicSubject(namespace, name, a.AssociationType)
	if a.Subject == nil {
		a.Subject = &def
	}
	if isTrue(a.Frozen) && *a.Subject != def {
		return invalidAssociation("subject", "frozen associations must use subject '"+def+"'")
	}
	if a.Lifecycle == LifecycleWeak && *a.Subject == def {
		return invalidAssociation("subject", "WEAK associations cannot use subject '"+def+"'")
	}
	return nil
}

// defaultSubject is the subject a topic owns for an association type: :.namespace:name-type.
func (r *AssociationRequest) defaultSubject(associationType string) string {
	return topicSubject(r.ResourceNamespace, r.ResourceName, associationType)
}

// topicSubject is a topic's own subject for an association type: :.namespace:name-type.
func topicSubject(namespace, name, associationType string) string {
	return ":." + namespace + ":" + name + "-" + associationType
}

// validate is AssociationCreateOrUpdateInfo.validate.
func (a *AssociationChange) validate(create bool) error {
	if a.Subject != nil && !validAssociationSubject(*a.Subject) {
		return invalidAssociation("subject", "must not be empty")
	}
	if create {
		if err := a.applyDefaults(true); err != nil {
			return err
		}
	}
	if err := a.validateType(); err != nil {
		return err
	}
	if a.Lifecycle == LifecycleWeak {
		switch {
		case a.Schema != nil:
			return invalidAssociation("lifecycle", "cannot be WEAK when schema is provided")
		case isTrue(a.Frozen):
			return invalidAssociation("frozen", "association with lifecycle of WEAK cannot be frozen")
		case create && a.Subject == nil:
			return invalidAssociation("subject", "must be provided for WEAK associations")
		}
	}
	return nil
}

// validateType defaults the association type to value and refuses one but key or value.
func (a *AssociationChange) validateType() error {
	switch a.AssociationType {
	case "":
		a.AssociationType = AssocValue
	case AssocKey, AssocValue:
	default:
		return invalidAssociation("associationType", "must be either 'key' or 'value'")
	}
	return nil
}

// applyDefaults is AssociationCreateOrUpdateInfo.applyDefaults, for an association that does
// not exist yet: a schema makes it a frozen STRONG one, no schema a WEAK one unless the
// lifecycle says otherwise, and frozen always follows the lifecycle.
func (a *AssociationChange) applyDefaults(create bool) error {
	if !create && a.Schema != nil {
		return invalidAssociation("schema", "cannot be provided when adding an association to an existing topic; "+
			"an association with a schema must be created with the topic")
	}
	if a.Schema != nil {
		if a.Lifecycle == LifecycleWeak {
			return invalidAssociation("lifecycle", "cannot be WEAK when schema is provided")
		}
		if a.Frozen != nil && !*a.Frozen {
			return invalidAssociation("frozen", "cannot be false when a schema is provided")
		}
		a.Lifecycle = LifecycleStrong
	} else if a.Lifecycle == "" {
		a.Lifecycle = LifecycleWeak
	}
	want := a.Lifecycle == LifecycleStrong
	if a.Frozen != nil && *a.Frozen != want {
		return invalidAssociation("frozen", fmt.Sprintf("association with lifecycle of %s cannot be frozen=%t", a.Lifecycle, *a.Frozen))
	}
	a.Frozen = &want
	return nil
}

// checkResourceName is RestValidation.checkName: non-empty, at most 256 UTF-16 units, letters,
// digits, '_' and '-' only.
func checkResourceName(name, property string) error {
	if name == "" {
		return invalidAssociation(property, "cannot be null or empty")
	}
	if len(utf16.Encode([]rune(name))) > resourceNameMax {
		return invalidAssociation(property, fmt.Sprintf("exceeds max length of %d", resourceNameMax))
	}
	for _, c := range name {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) && c != '_' && c != '-' {
			return invalidAssociation(property, fmt.Sprintf("illegal character '%c'", c))
		}
	}
	return nil
}

// validAssociationSubject is RestValidation.checkSubject: non-empty, no ISO control characters.
func validAssociationSubject(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c <= 0x1f || (c >= 0x7f && c <= 0x9f) {
			return false
		}
	}
	return true
}

// InContext is QualifiedSubject.create(tenant, context, subject): a subject that names no
// context is put in the one the context parameter names, spelled ":.ctx:" or ":.ctx" (":*:"
// reads as the context ".*", as Confluent's normalizeContext makes it). Any other spelling
// names the default context and leaves the subject as it is.
func InContext(context, subject string) string {
	if strings.HasPrefix(subject, ":.") {
		return subject
	}
	var ctx string
	switch {
	case strings.HasPrefix(context, ":."):
		ctx = context[1:]
		if end := strings.IndexByte(context[2:], ':'); end >= 0 {
			ctx = context[1 : end+2]
		}
	case strings.HasPrefix(context, wildcardPrefix):
		ctx = ".*"
	}
	if ctx == "" || ctx == defaultContext {
		return subject
	}
	return ":" + ctx + ":" + subject
}

// validateResource makes the checks both Confluent's single and batch requests make on the
// resource, in their order, and fills in its default type (topic).
func validateResource(name, namespace, id string, typ *string, dryRun bool) error {
	if err := checkResourceName(name, "resourceName"); err != nil {
		return err
	}
	if err := checkResourceName(namespace, "resourceNamespace"); err != nil {
		return err
	}
	if !dryRun && id == "" {
		return invalidAssociation("resourceId", "cannot be null or empty")
	}
	switch *typ {
	case "":
		*typ = topicResource
	case topicResource:
	default:
		return invalidAssociation("resourceType", "must be '"+topicResource+"'")
	}
	return nil
}
