/* The plain-AMQP baseline for bench/connectors_rabbitmq.sh, on the same client library
 * (rabbitmq-c) and the same delivery guarantees as load.rabbitmq / extract.rabbitmq:
 *   publish PORT QUEUE FILE  -- one persistent message per line of FILE (the header line is
 *                               skipped), publisher confirms awaited every 1000 messages;
 *   consume PORT QUEUE N     -- N messages through a sliding prefetch window of 500, all
 *                               acknowledged at the end with one multiple ack.
 * Both declare QUEUE (durable) first; `consume PORT QUEUE 0` only declares it.
 * No parsing, no rows: it measures what the broker and the library can do. */
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what) { fprintf(stderr, "amqp_loop: %s\n", what); exit(1); }

static void check(amqp_rpc_reply_t r, const char *what) {
  if (r.reply_type != AMQP_RESPONSE_NORMAL) die(what);
}

static uint64_t confirmed = 0; /* every publish up to this sequence number is confirmed */

static void wait_confirms(amqp_connection_state_t c, uint64_t published) {
  while (confirmed < published) {
    amqp_frame_t f;
    if (amqp_simple_wait_frame(c, &f) != AMQP_STATUS_OK) die("wait frame");
    if (f.frame_type != AMQP_FRAME_METHOD) continue;
    if (f.payload.method.id == AMQP_BASIC_ACK_METHOD) {
      amqp_basic_ack_t *a = f.payload.method.decoded;
      if (a->multiple || a->delivery_tag == confirmed + 1) confirmed = a->delivery_tag;
    } else {
      die("nack or return");
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 5) die("usage: amqp_loop publish|consume PORT QUEUE FILE|N");
  amqp_connection_state_t c = amqp_new_connection();
  amqp_socket_t *s = amqp_tcp_socket_new(c);
  if (amqp_socket_open(s, "127.0.0.1", atoi(argv[2])) != AMQP_STATUS_OK) die("connect");
  check(amqp_login(c, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "logidata", "logidata-test"), "login");
  amqp_channel_open(c, 1);
  check(amqp_get_rpc_reply(c), "channel");
  amqp_bytes_t queue = amqp_cstring_bytes(argv[3]);
  amqp_queue_declare(c, 1, queue, 0, 1, 0, 0, amqp_empty_table); /* durable; idempotent */
  check(amqp_get_rpc_reply(c), "queue.declare");
  if (strcmp(argv[1], "publish") == 0) {
    amqp_confirm_select_t sel = {0};
    amqp_simple_rpc_decoded(c, 1, AMQP_CONFIRM_SELECT_METHOD, AMQP_CONFIRM_SELECT_OK_METHOD, &sel);
    check(amqp_get_rpc_reply(c), "confirm.select");
    FILE *in = fopen(argv[4], "r");
    if (!in) die("open file");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    uint64_t published = 0;
    amqp_basic_properties_t p = {0};
    p._flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_CONTENT_TYPE_FLAG;
    p.delivery_mode = 2;
    p.content_type = amqp_cstring_bytes("text/csv");
    int header = 1;
    while ((n = getline(&line, &cap, in)) > 0) {
      if (header) { header = 0; continue; }
      amqp_bytes_t body = {(size_t)n, line};
      if (amqp_basic_publish(c, 1, amqp_empty_bytes, queue, 1, 0, &p, body) != AMQP_STATUS_OK) die("publish");
      if (++published % 1000 == 0) wait_confirms(c, published);
    }
    wait_confirms(c, published);
    printf("%llu\n", (unsigned long long)published);
  } else {
    long want = atol(argv[4]), got = 0, limit = 500;
    uint64_t last = 0;
    amqp_basic_qos(c, 1, 0, 500, 1);
    check(amqp_get_rpc_reply(c), "qos");
    amqp_basic_consume(c, 1, queue, amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
    check(amqp_get_rpc_reply(c), "consume");
    while (got < want) {
      amqp_envelope_t e;
      amqp_maybe_release_buffers(c);
      check(amqp_consume_message(c, &e, NULL, 0), "consume message");
      last = e.delivery_tag;
      amqp_destroy_envelope(&e);
      ++got;
      /* the same sliding window as extract.rabbitmq: nothing is acknowledged before the end */
      if (limit != 0 && got + 250 >= limit) {
        limit = got + 500 > 65535 ? 0 : got + 500;
        amqp_basic_qos(c, 1, 0, (uint16_t)limit, 1);
        check(amqp_get_rpc_reply(c), "qos");
      }
    }
    if (amqp_basic_ack(c, 1, last, 1) != AMQP_STATUS_OK) die("ack");
    printf("%ld\n", got);
  }
  amqp_channel_close(c, 1, AMQP_REPLY_SUCCESS);
  amqp_connection_close(c, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(c);
  return 0;
}
