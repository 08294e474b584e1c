-- The push pass walks gateways and takes each one's next devices of the plan's product in key order
-- (PushScheduler): one index answers both conditions and the order.
CREATE INDEX device_view_by_gateway_product ON device_view (gateway_id, product_key, device_key);
DROP INDEX device_view_by_gateway;
