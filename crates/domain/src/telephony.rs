//! Telephony events: a PBX or cloud telephony provider reports each call as it rings, is
//! answered, ends or is missed. A call moves only forward — a late `ringing` after `ended`
//! changes nothing — and its end is logged on the caller's ticket; a missed call from a
//! customer owes them a call back.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::call::{CallDirection, CallOutcome};
use crate::ids::TeamId;
use crate::string_enum::string_enum;
use crate::ticket::Stage;

/// The longest provider event or call id taken.
pub const ID_MAX: usize = 200;
/// The longest extension, in characters.
pub const EXTENSION_MAX: usize = 20;
/// The longest recording address taken.
pub const RECORDING_URL_MAX: usize = 2_000;
/// How old a signature's timestamp may be, either way, in seconds.
pub const TOLERANCE_SECONDS: i64 = 300;
/// How long event ids are kept to tell a repeat, in hours.
pub const EVENTS_KEPT_HOURS: i64 = 48;
/// The tag a ticket carries while a call back is owed.
pub const CALL_BACK_TAG: &str = "call-back";

string_enum! {
    /// What the provider reports.
    "telephony event", CallEventKind {
        /// The call is ringing (at the agent's extension, for an inbound call).
        Ringing => "call.ringing",
        /// Somebody picked up.
        Answered => "call.answered",
        /// The call is over.
        Ended => "call.ended",
        /// Nobody picked up.
        Missed => "call.missed",
    }
}

string_enum! {
    /// Where a reported call stands.
    "call state", CallState {
        /// Ringing.
        Ringing => "ringing",
        /// Picked up, still going.
        Answered => "answered",
        /// Over, after somebody picked up (or an outbound call nobody answered).
        Ended => "ended",
        /// Over, nobody picked up.
        Missed => "missed",
    }
}

impl CallState {
    /// The state after `event` from `current` (none for a call not seen before); `None` when
    /// the event cannot move the call (it came late, or repeats).
    pub fn after(current: Option<CallState>, event: CallEventKind) -> Option<CallState> {
        use CallState::*;
        let next = match (event, current) {
            (CallEventKind::Ringing, None) => Ringing,
            (CallEventKind::Answered, None | Some(Ringing)) => Answered,
            // An end without an answer is a missed call.
            (CallEventKind::Ended, None | Some(Ringing)) => Missed,
            (CallEventKind::Ended, Some(Answered)) => Ended,
            (CallEventKind::Missed, None | Some(Ringing)) => Missed,
            _ => return None,
        };
        Some(next)
    }

    /// Whether the call is over.
    pub fn is_final(self) -> bool {
        matches!(self, CallState::Ended | CallState::Missed)
    }

    /// How a finished call is logged.
    pub fn outcome(self) -> CallOutcome {
        match self {
            CallState::Missed => CallOutcome::Missed,
            _ => CallOutcome::Answered,
        }
    }
}

/// What a finished call owes the customer, for the service-level clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallBack {
    /// A customer's call went unanswered: a call back is owed.
    Owed,
    /// Staff spoke with the customer or called them: nothing is owed.
    Settled,
}

/// What a finished call of `direction` in `state` does to the call back owed.
pub fn call_back(direction: CallDirection, state: CallState) -> Option<CallBack> {
    match (direction, state) {
        (CallDirection::Inbound, CallState::Missed) => Some(CallBack::Owed),
        (CallDirection::Inbound, CallState::Ended) | (CallDirection::Outbound, _) => {
            Some(CallBack::Settled)
        }
        _ => None,
    }
}

/// An agent's extension: 1 to 20 digits, letters, `*`, `#`, `+` or `-`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Extension(String);

impl Extension {
    /// Reads an extension.
    pub fn parse(value: &str) -> Result<Self, DomainError> {
        let value = value.trim();
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '*' | '#' | '+' | '-');
        if value.is_empty() || value.chars().count() > EXTENSION_MAX || !value.chars().all(allowed)
        {
            return Err(DomainError::InvalidCall(format!(
                "an extension is 1 to {EXTENSION_MAX} digits or letters (and * # + -)"
            )));
        }
        Ok(Self(value.to_owned()))
    }

    /// The extension as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Extension {
    type Error = DomainError;

    fn try_from(value: String) -> Result<Self, DomainError> {
        Self::parse(&value)
    }
}

impl From<Extension> for String {
    fn from(value: Extension) -> Self {
        value.0
    }
}

/// Checks a provider's event or call id: 1 to 200 printable characters.
pub fn check_id(what: &str, value: &str) -> Result<(), DomainError> {
    if value.is_empty() || value.len() > ID_MAX || value.chars().any(char::is_control) {
        return Err(DomainError::InvalidCall(format!(
            "`{what}` is 1 to {ID_MAX} printable characters"
        )));
    }
    Ok(())
}

/// Checks a recording's address: `https://` or `http://`, at most 2,000 characters.
pub fn recording_url(value: &str) -> Result<String, DomainError> {
    let value = value.trim();
    let invalid = || {
        DomainError::InvalidCall(
            "`recording_url` is an https:// (or http://) address of at most 2,000 characters"
                .to_owned(),
        )
    };
    if value.len() > RECORDING_URL_MAX {
        return Err(invalid());
    }
    let url = url::Url::parse(value).map_err(|_| invalid())?;
    if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
        return Err(invalid());
    }
    Ok(url.to_string())
}

/// Whether a signature made at `timestamp` (Unix seconds) may be taken at `now`.
pub fn fresh(timestamp: i64, now: DateTime<Utc>) -> bool {
    now.timestamp().abs_diff(timestamp) <= TOLERANCE_SECONDS.unsigned_abs()
}

/// When an event said to happen at `occurred` is taken at `now`: its own time, unless it is in
/// the future or older than a day (a provider's clock gone wrong), then now.
pub fn occurred_at(occurred: Option<DateTime<Utc>>, now: DateTime<Utc>) -> DateTime<Utc> {
    match occurred {
        Some(at) if at <= now && now - at <= Duration::days(1) => at,
        _ => now,
    }
}

/// How the telephony webhook files calls. Its signing secret is kept beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TelephonySettings {
    /// The stage of a ticket opened for a caller with none open.
    pub stage: Stage,
    /// The team of such a ticket (routing rules may change it).
    pub team: Option<TeamId>,
}

impl Default for TelephonySettings {
    fn default() -> Self {
        Self {
            stage: Stage::AfterSale,
            team: None,
        }
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn a_call_moves_only_forward() {
        use CallEventKind as E;
        use CallState as S;
        assert_eq!(S::after(None, E::Ringing), Some(S::Ringing));
        assert_eq!(S::after(Some(S::Ringing), E::Answered), Some(S::Answered));
        assert_eq!(S::after(Some(S::Answered), E::Ended), Some(S::Ended));
        assert_eq!(
            S::after(Some(S::Ringing), E::Ended),
            Some(S::Missed),
            "never answered"
        );
        assert_eq!(S::after(Some(S::Ringing), E::Missed), Some(S::Missed));
        assert_eq!(
            S::after(None, E::Answered),
            Some(S::Answered),
            "ringing was not reported"
        );
        for late in [E::Ringing, E::Answered, E::Missed, E::Ended] {
            assert_eq!(S::after(Some(S::Ended), late), None);
            assert_eq!(S::after(Some(S::Missed), late), None);
        }
        assert_eq!(S::after(Some(S::Answered), E::Ringing), None);
        assert_eq!(
            S::after(Some(S::Answered), E::Missed),
            None,
            "it was answered"
        );
    }

    #[test]
    fn missed_calls_owe_a_call_back_and_talking_settles_it() {
        use CallDirection::*;
        assert_eq!(call_back(Inbound, CallState::Missed), Some(CallBack::Owed));
        assert_eq!(
            call_back(Inbound, CallState::Ended),
            Some(CallBack::Settled)
        );
        assert_eq!(
            call_back(Outbound, CallState::Missed),
            Some(CallBack::Settled),
            "an attempt counts"
        );
        assert_eq!(call_back(Inbound, CallState::Ringing), None);
    }

    #[test]
    fn extensions_ids_and_timestamps_are_checked() {
        assert_eq!(Extension::parse(" 801 ").unwrap().as_str(), "801");
        assert!(Extension::parse("*7#").is_ok());
        for bad in ["", "80 1", "80\n1", &"1".repeat(21), "分机"] {
            assert!(Extension::parse(bad).is_err(), "{bad:?}");
        }
        assert!(check_id("id", "evt_1").is_ok());
        assert!(check_id("id", "").is_err());
        assert!(check_id("id", &"x".repeat(201)).is_err());
        assert!(check_id("id", "a\u{0}b").is_err());
        assert!(recording_url("https://pbx.example/rec/1.mp3").is_ok());
        assert!(recording_url("javascript:alert(1)").is_err());
        assert!(recording_url("ftp://pbx.example/rec").is_err());
        let now = Utc::now();
        assert!(fresh(now.timestamp() - 299, now));
        assert!(!fresh(now.timestamp() - 301, now));
        assert!(!fresh(now.timestamp() + 301, now), "from the future");
        assert!(!fresh(i64::MIN, now) && !fresh(i64::MAX, now));
        assert_eq!(occurred_at(Some(now + Duration::hours(1)), now), now);
        assert_eq!(occurred_at(Some(now - Duration::days(2)), now), now);
        let earlier = now - Duration::seconds(30);
        assert_eq!(occurred_at(Some(earlier), now), earlier);
    }
}
