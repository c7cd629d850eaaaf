-- 997s trading partners sent for our ship notices (856), by our group control number.
CREATE TABLE edi_acks (
    id            bigserial   PRIMARY KEY,
    channel       text        NOT NULL,
    group_control text        NOT NULL,
    status        text        NOT NULL,  -- AK9: A accepted, P partly, R rejected
    set_statuses  text        NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now()
);
