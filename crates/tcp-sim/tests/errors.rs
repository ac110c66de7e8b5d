//! The error types of tcp-core and tcp-sim are `core::error::Error`s: `?` takes them into a
//! `Box<dyn Error>`, whose text is theirs.

use std::error::Error;

fn boxed<E: Error + 'static>(e: E) -> Box<dyn Error> {
    Box::new(e)
}

#[test]
fn errors_box_and_keep_their_text() {
    let scenario = tcp_sim::Scenario::from_json("{ \"hosts\": 5 }").expect_err("a bad scenario");
    let text = scenario.to_string();
    assert_eq!(boxed(scenario).to_string(), text);
    let wire = tcp_core::wire::TcpRepr::parse(&[0u8; 3], None).expect_err("three bytes are no header");
    let text = wire.to_string();
    assert!(text.contains("truncated"), "{text}");
    assert_eq!(boxed(wire).to_string(), text);
    let pcap = tcp_sim::pcap::read(&[0u8; 4], tcp_sim::pcap::Checksums::Verify).expect_err("four bytes are no capture");
    let text = pcap.to_string();
    assert_eq!(boxed(pcap).to_string(), text);
}
