//! Per-ticket reply addresses: `support+t1042-3f9a0c61d2@shop.example`. The part after `+`
//! names the ticket and carries an HMAC of its number under the installation's secret, so a
//! sender cannot make up an address that files their mail on someone else's ticket.
//! Escalations mailed to a vendor have their own: `support+e<escalation id>-<signature>@…`,
//! so a vendor's answer lands in the escalation, never in the customer's thread.

use hmac::{Hmac, Mac};
use kefu_domain::ids::EscalationId;
use kefu_domain::ticket::TicketNumber;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Hex characters of the signature kept in an address (40 bits).
const SIGNATURE_HEX: usize = 10;

/// Signs and checks reply addresses with one secret.
#[derive(Clone)]
pub struct ReplyAddresses {
    secret: Vec<u8>,
}

impl std::fmt::Debug for ReplyAddresses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReplyAddresses(…)")
    }
}

impl ReplyAddresses {
    /// Addresses signed with `secret`.
    pub fn new(secret: &[u8]) -> Self {
        Self {
            secret: secret.to_vec(),
        }
    }

    /// The reply address of ticket `number` on `mailbox` (`support@shop.example`).
    pub fn address(&self, mailbox: &str, number: TicketNumber) -> String {
        match mailbox.rsplit_once('@') {
            Some((local, domain)) => {
                let local = local.split('+').next().unwrap_or(local);
                format!(
                    "{local}+t{}-{}@{domain}",
                    number.get(),
                    self.signature(number)
                )
            }
            None => mailbox.to_owned(),
        }
    }

    /// The ticket a recipient address names, when it carries a valid signature.
    pub fn ticket_of(&self, address: &str) -> Option<TicketNumber> {
        let (local, _domain) = address.rsplit_once('@')?;
        let (_, tag) = local.split_once('+')?;
        let tag = tag.to_ascii_lowercase();
        let (number, signature) = tag.strip_prefix('t')?.split_once('-')?;
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let number = TicketNumber::new(number.parse().ok()?).ok()?;
        let expected = self.signature(number);
        (signature.len() == expected.len()
            && bool::from(signature.as_bytes().ct_eq(expected.as_bytes())))
        .then_some(number)
    }

    /// The reply address of escalation `id` on `mailbox`, for a vendor who works by mail.
    pub fn escalation_address(&self, mailbox: &str, id: EscalationId) -> String {
        match mailbox.rsplit_once('@') {
            Some((local, domain)) => {
                let local = local.split('+').next().unwrap_or(local);
                let simple = id.as_uuid().simple().to_string();
                let signature = self.escalation_signature(&simple);
                format!("{local}+e{simple}-{signature}@{domain}")
            }
            None => mailbox.to_owned(),
        }
    }

    /// The escalation a recipient address names, when it carries a valid signature.
    pub fn escalation_of(&self, address: &str) -> Option<EscalationId> {
        let (local, _domain) = address.rsplit_once('@')?;
        let (_, tag) = local.split_once('+')?;
        let tag = tag.to_ascii_lowercase();
        let (simple, signature) = tag.strip_prefix('e')?.split_once('-')?;
        if simple.len() != 32 || !simple.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let expected = self.escalation_signature(simple);
        if signature.len() != expected.len()
            || !bool::from(signature.as_bytes().ct_eq(expected.as_bytes()))
        {
            return None;
        }
        uuid::Uuid::parse_str(simple)
            .ok()
            .map(EscalationId::from_uuid)
    }

    fn signature(&self, number: TicketNumber) -> String {
        self.sign(b"kefu-reply-address\0", number.get().to_string().as_bytes())
    }

    fn escalation_signature(&self, simple_id: &str) -> String {
        self.sign(b"kefu-escalation-address\0", simple_id.as_bytes())
    }

    fn sign(&self, purpose: &[u8], value: &[u8]) -> String {
        // HMAC takes keys of any length, so this cannot fail.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.secret) else {
            return String::new();
        };
        mac.update(purpose);
        mac.update(value);
        let digest = mac.finalize().into_bytes();
        digest
            .iter()
            .take(SIGNATURE_HEX / 2)
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// The address without a `+tag` (`support+t1-ab@x` → `support@x`), lower-cased: what a
/// mailbox is known by.
pub fn base_address(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let local = local.split('+').next().unwrap_or(local);
            format!("{local}@{domain}").to_lowercase()
        }
        None => address.to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(n: i64) -> TicketNumber {
        TicketNumber::new(n).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn an_address_names_its_ticket() {
        let addresses = ReplyAddresses::new(b"secret");
        let address = addresses.address("support@shop.example", number(1042));
        assert!(address.starts_with("support+t1042-"), "{address}");
        assert!(address.ends_with("@shop.example"), "{address}");
        assert_eq!(addresses.ticket_of(&address), Some(number(1042)));
        assert_eq!(
            addresses.ticket_of(&address.to_uppercase()),
            Some(number(1042)),
            "mail clients may change the case"
        );
    }

    #[test]
    fn a_made_up_or_altered_address_names_nothing() {
        let addresses = ReplyAddresses::new(b"secret");
        let real = addresses.address("support@shop.example", number(7));
        let forged = real.replace("+t7-", "+t8-");
        assert_eq!(addresses.ticket_of(&forged), None);
        let other_secret =
            ReplyAddresses::new(b"another").address("support@shop.example", number(7));
        assert_eq!(addresses.ticket_of(&other_secret), None);
        assert_eq!(addresses.ticket_of("support+t7@shop.example"), None);
        assert_eq!(addresses.ticket_of("support@shop.example"), None);
    }

    #[test]
    fn an_escalation_address_names_its_escalation_and_no_ticket() {
        let addresses = ReplyAddresses::new(b"secret");
        let id = EscalationId::new();
        let address = addresses.escalation_address("support@shop.example", id);
        assert!(address.starts_with("support+e"), "{address}");
        assert_eq!(addresses.escalation_of(&address), Some(id));
        assert_eq!(addresses.escalation_of(&address.to_uppercase()), Some(id));
        assert_eq!(addresses.ticket_of(&address), None);
        let ticket = addresses.address("support@shop.example", number(7));
        assert_eq!(addresses.escalation_of(&ticket), None);
        let other = EscalationId::new().as_uuid().simple().to_string();
        let forged = address.replace(&id.as_uuid().simple().to_string(), &other);
        assert_eq!(addresses.escalation_of(&forged), None);
    }

    #[test]
    fn the_base_address_drops_the_tag() {
        assert_eq!(
            base_address("Support+t1-ab@Shop.example"),
            "support@shop.example"
        );
    }
}
