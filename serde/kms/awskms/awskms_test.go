package awskms

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-registry/accord/serde/kms"
	"github.com/accord-registry/accord/serde/kms/internal/kmstest"
	"github.com/aws/aws-sdk-go-v2/aws"
	kmsapi "github.com/aws/aws-sdk-go-v2/service/kms"
	ckawskms "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rules/encryption/awskms"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// motoServer is moto's server mode: an AWS KMS emulator on 127.0.0.1, stopped when the test
// ends.
func motoServer(t *testing.T) string {
	t.Helper()
	return kmstest.Start(t, kmstest.Server{Program: "moto_server", What: "moto (an AWS KMS emulator)",
		Args: func(addr string) []string {
			host, port, _ := strings.Cut(addr, ":")
			return []string{"-H", host, "-p", port}
		},
		Ready: func(url string) bool {
			resp, err := http.Get(url + "/moto-api/")
			if err == nil {
				resp.Body.Close()
			}
			return err == nil
		}})
}

// testConfig is a rule configuration for moto: any keys do.
func testConfig(endpoint string) map[string]string {
	return map[string]string{AccessKeyID: "testing", SecretAccessKey: "testing", EndpointURL: endpoint}
}

// createKey creates a KMS key in moto and returns its ARN.
func createKey(t *testing.T, endpoint, region string) string {
	t.Helper()
	c := kmsapi.New(kmsapi.Options{Region: region, BaseEndpoint: aws.String(endpoint),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "testing", SecretAccessKey: "testing"}, nil
		})})
	out, err := c.CreateKey(context.Background(), &kmsapi.CreateKeyInput{Description: aws.String("accord test KEK")})
	if err != nil {
		t.Fatal(err)
	}
	return *out.KeyMetadata.Arn
}

func isolate(t *testing.T) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
}

var dek = append([]byte{0x1a, 0x20}, bytes.Repeat([]byte{7}, 32)...)

// TestRoundTrip wraps a DEK with a KMS key named by its ARN, in the ARN's region, with keys
// from the rule configuration, and unwraps it.
func TestRoundTrip(t *testing.T) {
	isolate(t)
	endpoint := motoServer(t)
	arn := createKey(t, endpoint, "eu-west-3")
	a, err := New().AEAD(context.Background(), arn, testConfig(endpoint))
	if err != nil {
		t.Fatal(err)
	}
	wrapped, err := a.Encrypt(dek, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(wrapped, dek) {
		t.Fatal("the wrapped DEK contains the DEK")
	}
	if got, err := a.Decrypt(wrapped, nil); err != nil || !bytes.Equal(got, dek) {
		t.Fatalf("Decrypt = %x, %v", got, err)
	}

	t.Run("environment", func(t *testing.T) {
		// The SDK's own chain: keys and endpoint from the environment, none configured.
		t.Setenv("AWS_ACCESS_KEY_ID", "testing")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
		t.Setenv("AWS_ENDPOINT_URL", endpoint)
		a, err := New().AEAD(context.Background(), arn, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := a.Decrypt(wrapped, nil); err != nil || !bytes.Equal(got, dek) {
			t.Fatalf("Decrypt = %x, %v", got, err)
		}
	})

	t.Run("assumed role", func(t *testing.T) {
		conf := testConfig(endpoint)
		conf[RoleARN] = "arn:aws:iam::123456789012:role/encrypt"
		conf[RoleExternalID] = "ext"
		a, err := New().AEAD(context.Background(), arn, conf)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := a.Decrypt(wrapped, nil); err != nil || !bytes.Equal(got, dek) {
			t.Fatalf("Decrypt = %x, %v", got, err)
		}
	})
}

// TestAlternateKey: a DEK wrapped with the key a KEK used before rotation opens through the
// KEK's alternates, while the KEK's own key cannot open it.
func TestAlternateKey(t *testing.T) {
	isolate(t)
	endpoint := motoServer(t)
	oldKey, newKey := createKey(t, endpoint, "us-east-1"), createKey(t, endpoint, "us-east-1")
	conf := testConfig(endpoint)
	old, err := New().AEAD(context.Background(), oldKey, conf)
	if err != nil {
		t.Fatal(err)
	}
	wrapped, err := old.Encrypt(dek, nil)
	if err != nil {
		t.Fatal(err)
	}
	drivers := kms.NewDrivers(New())
	plain, err := drivers.AEAD(context.Background(), Type, newKey, nil, conf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plain.Decrypt(wrapped, nil); err == nil {
		t.Fatal("the new key unwrapped a DEK wrapped with the old one")
	}
	alt, err := drivers.AEAD(context.Background(), Type, newKey, map[string]string{kms.AlternateKeyIDs: oldKey}, conf)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := alt.Decrypt(wrapped, nil); err != nil || !bytes.Equal(got, dek) {
		t.Fatalf("Decrypt through the alternate = %x, %v", got, err)
	}
}

// TestNotAnARN: the region comes from the ARN, so a key id that is not one is refused
// before any request.
func TestNotAnARN(t *testing.T) {
	for _, id := range []string{"alias/mykey", "arn:aws:s3:::bucket", "arn:aws:kms::123:key/x", "1234abcd-12ab"} {
		if _, err := New().AEAD(context.Background(), id, nil); err == nil || !strings.Contains(err.Error(), "not a KMS key ARN") {
			t.Errorf("AEAD(%q) = %v", id, err)
		}
	}
	if r, err := regionOf("arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd"); err != nil || r != "us-gov-west-1" {
		t.Errorf("regionOf = %q, %v", r, err)
	}
}

// TestAccessDeniedIsMarked: a refusal by KMS carries kms.ErrAccessDenied.
func TestAccessDeniedIsMarked(t *testing.T) {
	err := kmsError("decrypt", "k", apiError("AccessDeniedException"))
	if !errors.Is(err, kms.ErrAccessDenied) {
		t.Errorf("%v is not kms.ErrAccessDenied", err)
	}
	if err := kmsError("decrypt", "k", apiError("InvalidCiphertextException")); errors.Is(err, kms.ErrAccessDenied) {
		t.Errorf("%v is kms.ErrAccessDenied", err)
	}
}

type apiError string

func (e apiError) Error() string     { return string(e) }
func (e apiError) ErrorCode() string { return string(e) }

// TestConfluentGoInterop wraps with this driver and unwraps with confluent-kafka-go's AWS KMS
// AEAD, and the reverse (both with credentials and endpoint from the environment).
func TestConfluentGoInterop(t *testing.T) {
	isolate(t)
	endpoint := motoServer(t)
	arn := createKey(t, endpoint, "us-west-2")
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	ours, err := New().AEAD(context.Background(), arn, nil)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := ckawskms.NewAEAD(arn, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name         string
		wrap, unwrap tink.AEAD
	}{{"ours to theirs", ours, theirs}, {"theirs to ours", theirs, ours}} {
		wrapped, err := c.wrap.Encrypt(dek, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got, err := c.unwrap.Decrypt(wrapped, nil); err != nil || !bytes.Equal(got, dek) {
			t.Errorf("%s: unwrapped %x, %v", c.name, got, err)
		}
	}
}
