package org.holdshelf.notices;

/**
 * A number that opted out of texts, the value of {@code holdshelf.notices.opt-outs} keyed by the
 * number in E.164: no text is sent to it again (notices to it are OPTED_OUT, with no call). An
 * operator who learns the patron opted back in (Twilio's START) deletes the key.
 *
 * @param masked      the number as logs and reports show it ({@code ***-***-0123})
 * @param gatewaySaid what the gateway answered (Twilio's code 21610 and message)
 * @param noticeId    the notice it refused
 * @param at          when
 */
public record OptOut(String masked, String gatewaySaid, String noticeId, String at) {
}
