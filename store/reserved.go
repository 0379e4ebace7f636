package store

import (
	"fmt"
	"strings"

	"github.com/accord-registry/accord/compat"
)

// reservedKey is the metadata property that lists a schema's reserved field names, comma
// separated. With validateFields on, a reserved name may be neither used as a top-level field
// nor dropped from the list by a later version.
const reservedKey = "confluent:reserved"

// reservedFieldMessages applies Confluent's field validation to a new schema and its metadata,
// against the latest live version (before any compatibilityGroup filtering, as Confluent does).
func reservedFieldMessages(next *compat.Schema, md *Metadata, latest *version) []string {
	var msgs []string
	reserved := reservedFields(md)
	if latest != nil {
		for _, name := range sortedKeys(reservedFields(latest.metadata)) {
			if !reserved[name] {
				msgs = append(msgs, fmt.Sprintf("The new schema has reserved field %s removed from its metadata which is present in the old schema's metadata.", name))
			}
		}
	}
	for _, name := range sortedKeys(reserved) {
		if next.HasTopLevelField(name) {
			msgs = append(msgs, fmt.Sprintf("The new schema has field that conflicts with the reserved field %s.", name))
		}
	}
	return msgs
}

func reservedFields(md *Metadata) map[string]bool {
	out := map[string]bool{}
	for _, name := range strings.Split(md.properties()[reservedKey], ",") {
		if name = strings.TrimSpace(name); name != "" {
			out[name] = true
		}
	}
	return out
}
