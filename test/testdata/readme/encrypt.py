from confluent_kafka.schema_registry import RuleSet, Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.schema_registry.rules.encryption.encrypt_executor import FieldEncryptionExecutor
from confluent_kafka.schema_registry.rules.encryption.localkms.local_driver import LocalKmsDriver
from confluent_kafka.serialization import MessageField, SerializationContext

FieldEncryptionExecutor.register()
LocalKmsDriver.register()
client = SchemaRegistryClient({"url": "http://localhost:8081"})

# The data contract: encrypt every field tagged PII with a DEK under the KEK "customers-kek".
schema = """{"type": "record", "name": "Customer", "fields": [
  {"name": "id", "type": "long"},
  {"name": "email", "type": "string", "confluent:tags": ["PII"]}]}"""
rules = RuleSet.from_dict({"domainRules": [{
    "name": "encryptPII", "kind": "TRANSFORM", "mode": "WRITEREAD", "type": "ENCRYPT", "tags": ["PII"],
    "params": {"encrypt.kek.name": "customers-kek", "encrypt.kms.type": "local-kms",
               "encrypt.kms.key.id": "customers-key"}}]})
client.register_schema("customers-value", Schema(schema, "AVRO", rule_set=rules))

serializer = AvroSerializer(client, conf={"auto.register.schemas": False, "use.latest.version": True},
                            rule_conf={"secret": "change-me"})
payload = serializer({"id": 1, "email": "ada@example.com"}, SerializationContext("customers", MessageField.VALUE))
with open("customer.bin", "wb") as f:  # what a producer would send to Kafka
    f.write(payload)
print("ada@example.com" in payload.decode("latin-1"))  # False: the email is encrypted
