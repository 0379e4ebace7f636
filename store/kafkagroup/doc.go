// Package kafkagroup elects the one registry instance that may write, among instances sharing
// a Kafka cluster, using Kafka's classic group protocol exactly as Confluent Schema Registry
// does, so that Accord can join a group of Confluent or Karapace instances and agree with them
// on the leader.
//
// Only the leader writes the registry topic and allocates schema ids; the others forward
// writes to its URL. Kafka's group coordinator already knows which instances are alive, so the
// election needs no other store: every instance joins the group, and whichever member the
// coordinator makes Kafka group leader computes the registry leader for all.
//
// # Protocol
//
// An [Elector] drives the group by hand with kmsg requests sent through a shared kgo.Client,
// which finds the coordinator and follows it when it moves. kgo's own group consumer is of no
// use here: it only runs for topic subscriptions and assigns partitions.
//
//   - JoinGroup: protocol type "sr", one protocol "v0" whose metadata is the identity JSON.
//     A first join gets MEMBER_ID_REQUIRED and is resent with the member id given.
//   - SyncGroup: the Kafka group leader sends every member the same assignment JSON.
//   - Heartbeat every HeartbeatInterval. REBALANCE_IN_PROGRESS rejoins with the same member id;
//     UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION and FENCED_INSTANCE_ID rejoin as a new member; any
//     other failure is retried with a bounded, jittered backoff until the context ends.
//   - LeaveGroup on shutdown, so the others rebalance at once rather than after the session
//     timeout.
//
// # Election
//
// The leader is the member with master_eligibility true whose URL "scheme://host:port" is
// lexicographically smallest (Confluent without leader.election.sticky, and Karapace's default
// "lowest" strategy). If two members advertise the same URL the assignment carries error 1,
// DUPLICATE_URLS, and no instance leads. If no member is eligible there is no leader and the
// registry is read-only. A member whose metadata does not parse cannot lead.
//
// # Identity JSON (member metadata)
//
// Accord sends
//
//	{"version":1,"host":"sr-1","port":8081,"master_eligibility":true,"scheme":"http","leader":false}
//
// with leader true while its last assignment made it leader, which Confluent's sticky election
// honours. Readers ignore unknown fields and the order: Jackson writes Confluent's fields as
// host, port, master_eligibility, scheme, version, leader, and Karapace sends
//
//	{"version":2,"karapace_version":"…","host":"…","port":8081,"scheme":"http","master_eligibility":true}
//
// # Assignment JSON
//
//	{"version":1,"error":0,"master":"<kafka member id>","master_identity":{<identity JSON>}}
//
// master_identity is the elected member's identity, rewritten as version 1 with its leader
// claim. With no eligible member, master and master_identity are left out.
//
// What the sources say (read in confluentinc/schema-registry leaderelector/kafka and
// storage/SchemaRegistryIdentity.java, and Aiven-Open/karapace coordinator/schema_coordinator.py):
//
//   - Confluent's Assignment has the JSON properties "version", "error", "master" and
//     "master_identity", in snake case, under @JsonInclude(NON_EMPTY): a null master and
//     master_identity are omitted, version and error are always written. Its identity has
//     "version", "host", "port", "master_eligibility", "scheme" and "leader", and both classes
//     ignore unknown properties. The error codes are 0 (NO_ERROR) and 1 (DUPLICATE_URLS).
//   - Confluent computes the leader even when URLs are duplicated and writes it next to
//     error 1; its members then refuse the assignment. Accord writes the same bytes, and as a
//     reader takes no leader whenever the error is not 0.
//   - Karapace writes {"master":…,"master_identity":…,"error":0}, never an error 1 and never
//     a version. Finding no eligible member it names an ineligible member as master anyway and
//     its readers check master_eligibility, so Accord does too. Karapace's reader indexes
//     master_identity without checking, so a Karapace member fails on the assignment that
//     Confluent and Accord write for a group with no eligible member; that is a Karapace
//     limitation that mixed Confluent/Karapace groups share.
//
// # Safety
//
// Two instances must never both believe they lead. An instance therefore publishes "no leader"
// (Self false) before it rejoins for a rebalance, before it sends LeaveGroup, and as soon as a
// session timeout (or the rebalance timeout, if shorter), less a tenth in reserve, has passed
// since the send time of the last request the coordinator answered. The coordinator cannot
// evict a member earlier than that, so an instance cut off from Kafka stops claiming
// leadership before another one can be elected. OnChange runs on the elector goroutine before
// the next request, so a slow OnChange delays heartbeats: it must return quickly.
package kafkagroup
