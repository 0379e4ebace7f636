package rules

// HasRules says whether the rule set has a rule of the phase that runs in mode, as
// Confluent's RuleSet.hasRules: a serde asks it before doing work only rules need (the
// migration path between two versions records a step only where the newer version has
// migration rules for the direction). WRITEREAD and UPDOWN rules count for both their
// modes; asked about WRITEREAD or UPDOWN themselves, only rules of exactly that mode do.
// Disabled rules count: the run decides about them. A nil rule set has none.
func (rs *RuleSet) HasRules(phase Phase, mode Mode) bool {
	if rs == nil {
		return false
	}
	var list []Rule
	switch phase {
	case Domain:
		list = rs.DomainRules
	case Encoding:
		list = rs.EncodingRules
	case Migration:
		list = rs.MigrationRules
	}
	for _, r := range list {
		rm := ruleMode(r)
		if rm == mode || (rm == WriteRead && (mode == Write || mode == Read)) || (rm == UpDown && (mode == Upgrade || mode == Downgrade)) {
			return true
		}
	}
	return false
}
