package auth

import (
	"path/filepath"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// TestDecoysMatchTheUsersCosts: an unknown user is checked against a decoy of the scheme and
// parameters of the users' hashes, spread over unknown names as the users are, and always
// the same one for a name; so refusing an unknown name costs what refusing some user does.
func TestDecoysMatchTheUsersCosts(t *testing.T) {
	bcrypt11, err := bcrypt.GenerateFromPassword([]byte(alicePassword), 11)
	if err != nil {
		t.Fatal(err)
	}
	argon := "$argon2id$v=19$m=4096,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5"
	path := filepath.Join(t.TempDir(), "users.yaml")
	writeUsers(t, path, map[string]string{"alice": string(bcrypt11), "bob": argon})
	a, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	set := a.users.Load()
	counts := map[string]int{}
	for i := range 1000 {
		name := "unknown-" + string(rune('a'+i%26)) + string(rune('0'+i/26%10)) + string(rune('A'+i/260))
		decoy := set.decoyFor(name)
		if decoy != set.decoyFor(name) {
			t.Fatalf("%s got two different decoys", name)
		}
		class, err := costClass(decoy)
		if err != nil {
			t.Fatalf("decoy %q: %v", decoy, err)
		}
		counts[class]++
	}
	want := []string{"bcrypt/11", "argon2id/m=4096,t=2,p=1,len=27"}
	for _, class := range want {
		if counts[class] < 350 {
			t.Errorf("%d of 1000 unknown names were checked against a %s decoy, want about half: %v", counts[class], class, counts)
		}
	}
	if len(counts) != len(want) {
		t.Errorf("decoy costs %v, want only %v", counts, want)
	}
}
