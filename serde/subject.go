package serde

import "errors"

// SubjectNameStrategy names the subject a serializer registers or looks up its schema under,
// from the topic, whether the record's key or value is serialized, and the record's name:
// the full name of an Avro record, the full name of a Protobuf message, the title of a JSON
// Schema.
type SubjectNameStrategy func(topic string, isKey bool, recordName string) (string, error)

// TopicName is Confluent's default strategy: TOPIC-key or TOPIC-value, one schema lineage per
// topic.
func TopicName(topic string, isKey bool, _ string) (string, error) {
	if isKey {
		return topic + "-key", nil
	}
	return topic + "-value", nil
}

// RecordName names the subject after the record, so that one record type has one lineage
// across every topic it is written to.
func RecordName(_ string, _ bool, recordName string) (string, error) {
	if recordName == "" {
		return "", errNoRecordName
	}
	return recordName, nil
}

// TopicRecordName is TOPIC-RECORD: several record types in one topic, each with its own
// lineage.
func TopicRecordName(topic string, _ bool, recordName string) (string, error) {
	if recordName == "" {
		return "", errNoRecordName
	}
	return topic + "-" + recordName, nil
}

var errNoRecordName = errors.New("serde: the record name strategies need a named schema (an Avro record, a Protobuf message, a JSON Schema with a title)")
