//! The screen pop: the frame that opens a caller's ticket in the console of the agent whose
//! extension rings — or, when the provider names no agent, of the ticket's team.

use kefu_api_types::chat::{CallPop, ServerFrame};
use kefu_domain::ticket::Ticket;
use kefu_store::telephony::PhoneCall;

use crate::chat::events::{Audience, ChatEvent};

/// The pop of `call` on `ticket` for `customer_name`, if it has somebody to go to.
pub fn of(
    call: &PhoneCall,
    ticket: &Ticket,
    customer_name: &str,
    new_ticket: bool,
) -> Option<ChatEvent> {
    let audience = match (call.agent, ticket.team) {
        (Some(agent), _) => Audience::Agent(agent),
        (None, Some(team)) => Audience::Team(team),
        (None, None) => return None,
    };
    let number = match call.direction {
        kefu_domain::call::CallDirection::Inbound => &call.from,
        kefu_domain::call::CallDirection::Outbound => &call.to,
    };
    Some(ChatEvent::new(
        audience,
        ServerFrame::ScreenPop {
            call: CallPop {
                id: call.id,
                state: call.state.as_str().to_owned(),
                direction: call.direction,
                number: number.as_str().to_owned(),
                customer_id: call.customer,
                customer_name: customer_name.to_owned(),
                ticket_id: ticket.id,
                ticket_number: ticket.number.get(),
                subject: ticket.subject.clone(),
                new_ticket,
            },
        },
    ))
}
