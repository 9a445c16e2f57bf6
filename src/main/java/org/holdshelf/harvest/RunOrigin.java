package org.holdshelf.harvest;

/**
 * What a run answers: who asked ({@code schedule}, {@code operator}, {@code once}...) and which
 * scheduled slot or on-demand request it harvests. A run without either was started directly (a
 * route test).
 *
 * @param trigger who asked, for the runs topic and the log
 * @param slot    the schedule's fire time, for a scheduled run; else null
 * @param request the request's id, for a run on demand; else null
 */
record RunOrigin(String trigger, String slot, String request) {
}
