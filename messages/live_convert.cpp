#include "messages/live_convert.hpp"

#include "messages/capnp_bytes.hpp"
#include "messages/live.capnp.h"

namespace btk {

namespace {

constexpr std::uint8_t warning_kind = 255;

void put_row(schema::SignalRow::Builder b, const signal_row& r) {
  b.setId(r.id);
  b.setNote(r.note);
  b.setPosition(static_cast<std::uint8_t>(r.position));
  b.setPriceOpen(r.price_open);
  b.setOriginalPriceOpen(r.original_price_open);
  b.setPriceTakeProfit(r.price_take_profit);
  b.setPriceStopLoss(r.price_stop_loss);
  b.setMinuteEstimatedTime(r.minute_estimated_time);
  b.setScheduledAt(r.scheduled_at);
  b.setPendingAt(r.pending_at);
}

expected<signal_row> get_row(schema::SignalRow::Reader x) {
  if (x.getPosition() > 1)
    return error{"signal.position = " + std::to_string(x.getPosition()) +
                 ", expected 0 (long) or 1 (short)"};
  signal_row r;
  r.id = x.getId().cStr();
  r.note = x.getNote().cStr();
  r.position = static_cast<side>(x.getPosition());
  r.price_open = x.getPriceOpen();
  r.original_price_open = x.getOriginalPriceOpen();
  r.price_take_profit = x.getPriceTakeProfit();
  r.price_stop_loss = x.getPriceStopLoss();
  r.minute_estimated_time = x.getMinuteEstimatedTime();
  r.scheduled_at = x.getScheduledAt();
  r.pending_at = x.getPendingAt();
  return r;
}

void put_excursion(schema::Excursion::Builder b, const excursion& e) {
  b.setPrice(e.price);
  b.setPnl(e.pnl);
  b.setAt(e.at);
}

excursion get_excursion(schema::Excursion::Reader x) {
  return {x.getPrice(), x.getPnl(), x.getAt()};
}

} // namespace

std::string live_event::id() const {
  return symbol + ":" + name + ":" + std::to_string(number);
}

std::string encode_live_instance(const live_instance_record& r) {
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<schema::LiveInstance>();
  const live_state& s = r.state;
  b.setSymbol(r.symbol);
  b.setName(r.name);
  b.setSpec(r.spec);
  b.setPhase(static_cast<std::uint8_t>(s.phase));
  put_row(b.initSignal(), s.signal);
  put_excursion(b.initPeak(), s.peak);
  put_excursion(b.initFall(), s.fall);
  b.setLastBucket(s.last_bucket);
  b.setLastTick(s.last_tick);
  b.setSignals(s.signals);
  b.setLastPendingId(s.last_pending_id);
  b.setStopped(s.stopped);
  b.setCancelDue(s.cancel_due);
  b.setEnded(s.ended);
  b.setEvents(r.events);
  b.setWrittenAt(r.written_at);
  b.setProfitLevel(static_cast<std::uint8_t>(s.profit_level));
  b.setLossLevel(static_cast<std::uint8_t>(s.loss_level));
  auto risks = b.initRisks(static_cast<unsigned>(r.risks.size()));
  for (unsigned k = 0; k < r.risks.size(); ++k)
    risks.set(k, r.risks[k]);
  return to_bytes(mb);
}

expected<live_instance_record> decode_live_instance(std::string_view bytes) {
  return with_reader(
      bytes,
      [](capnp::FlatArrayMessageReader& rd) -> expected<live_instance_record> {
        auto x = rd.getRoot<schema::LiveInstance>();
        if (x.getPhase() > 2)
          return error{"phase = " + std::to_string(x.getPhase()) +
                       ", expected 0, 1 or 2"};
        auto row = get_row(x.getSignal());
        if (!row)
          return row.err();
        live_instance_record r;
        r.symbol = x.getSymbol().cStr();
        r.name = x.getName().cStr();
        r.spec = x.getSpec().cStr();
        live_state& s = r.state;
        s.phase = static_cast<live_phase>(x.getPhase());
        s.signal = std::move(*row);
        s.peak = get_excursion(x.getPeak());
        s.fall = get_excursion(x.getFall());
        s.last_bucket = x.getLastBucket();
        s.last_tick = x.getLastTick();
        s.signals = x.getSignals();
        s.last_pending_id = x.getLastPendingId().cStr();
        s.stopped = x.getStopped();
        s.cancel_due = x.getCancelDue();
        s.ended = x.getEnded();
        r.events = x.getEvents();
        r.written_at = x.getWrittenAt();
        if (x.getProfitLevel() > 100 || x.getLossLevel() > 100)
          return error{"profitLevel / lossLevel = " +
                       std::to_string(x.getProfitLevel()) + " / " +
                       std::to_string(x.getLossLevel()) +
                       ", expected 0 .. 100"};
        s.profit_level = x.getProfitLevel();
        s.loss_level = x.getLossLevel();
        for (const auto name : x.getRisks())
          r.risks.emplace_back(name.cStr());
        return r;
      });
}

std::string encode_live_event(const live_event& e) {
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<schema::LiveEvent>();
  const live_result& r = e.result;
  b.setSeq(e.seq);
  b.setSymbol(e.symbol);
  b.setName(e.name);
  b.setNumber(e.number);
  b.setWhen(r.when);
  b.setKind(e.warning ? warning_kind : static_cast<std::uint8_t>(r.kind));
  put_row(b.initSignal(), r.signal);
  b.setCurrentPrice(r.current_price);
  b.setCloseReason(static_cast<std::uint8_t>(r.close));
  b.setCancelReason(static_cast<std::uint8_t>(r.cancel));
  b.setCloseTimestamp(r.close_timestamp);
  b.setPriceClose(r.price_close);
  b.setPnlPercentage(r.pnl.pnl_percentage);
  b.setPnlCost(r.pnl.pnl_cost);
  b.setPnlEntries(r.pnl.pnl_entries);
  b.setPnlPriceOpen(r.pnl.price_open);
  b.setPnlPriceClose(r.pnl.price_close);
  b.setPeakPnl(r.peak_pnl);
  b.setMaxDrawdownPnl(r.max_drawdown_pnl);
  b.setPercentTp(r.percent_tp);
  b.setPercentSl(r.percent_sl);
  b.setMessage(e.message);
  b.setOrderId(e.order_id);
  b.setFillPrice(e.fill_price);
  b.setFillQuantity(e.fill_quantity);
  return to_bytes(mb);
}

expected<live_event> decode_live_event(std::string_view bytes) {
  return with_reader(
      bytes, [](capnp::FlatArrayMessageReader& rd) -> expected<live_event> {
        auto x = rd.getRoot<schema::LiveEvent>();
        const auto kind = x.getKind();
        if (kind > static_cast<std::uint8_t>(action::waiting) &&
            kind != warning_kind)
          return error{"kind = " + std::to_string(kind) +
                       ", expected 0 .. 6 or 255"};
        if (x.getCloseReason() > 2)
          return error{"closeReason = " + std::to_string(x.getCloseReason()) +
                       ", expected 0 .. 2"};
        if (x.getCancelReason() > 2)
          return error{"cancelReason = " + std::to_string(x.getCancelReason()) +
                       ", expected 0 .. 2"};
        auto row = get_row(x.getSignal());
        if (!row)
          return row.err();
        live_event e;
        e.seq = x.getSeq();
        e.symbol = x.getSymbol().cStr();
        e.name = x.getName().cStr();
        e.number = x.getNumber();
        e.warning = kind == warning_kind;
        e.message = x.getMessage().cStr();
        e.order_id = x.getOrderId().cStr();
        e.fill_price = x.getFillPrice();
        e.fill_quantity = x.getFillQuantity();
        live_result& r = e.result;
        r.kind = e.warning ? action::idle : static_cast<action>(kind);
        r.when = x.getWhen();
        r.signal = std::move(*row);
        r.current_price = x.getCurrentPrice();
        r.close = static_cast<close_reason>(x.getCloseReason());
        r.cancel = static_cast<cancel_reason>(x.getCancelReason());
        r.close_timestamp = x.getCloseTimestamp();
        r.price_close = x.getPriceClose();
        r.pnl = {x.getPnlPercentage(), x.getPnlCost(), x.getPnlEntries(),
                 x.getPnlPriceOpen(), x.getPnlPriceClose()};
        r.peak_pnl = x.getPeakPnl();
        r.max_drawdown_pnl = x.getMaxDrawdownPnl();
        r.percent_tp = x.getPercentTp();
        r.percent_sl = x.getPercentSl();
        return e;
      });
}

} // namespace btk
