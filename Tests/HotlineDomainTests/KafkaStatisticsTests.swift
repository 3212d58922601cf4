import Foundation
import HotlineKafka
import Testing

/// librdkafka's statistics report (STATISTICS.md), trimmed from one a consumer of the dev
/// broker emitted: the lag metric and `/ready` are read from it.
struct KafkaStatisticsTests {
    static let report = #"""
    {"name":"rdkafka#consumer-1","type":"consumer","ts":49872007300,
     "brokers":{
       "127.0.0.1:45333/3":{"name":"127.0.0.1:45333/3","nodeid":3,"source":"configured","state":"UP"},
       "127.0.0.1:33829/2":{"name":"127.0.0.1:33829/2","nodeid":2,"source":"configured","state":"INIT"},
       "127.0.0.1:34161/1":{"name":"127.0.0.1:34161/1","nodeid":1,"source":"learned","state":"UP"},
       "GroupCoordinator":{"name":"GroupCoordinator","nodeid":3,"source":"logical","state":"UP"}},
     "topics":{"hotline.intake.v1":{"topic":"hotline.intake.v1","partitions":{
       "0":{"partition":0,"fetch_state":"active","hi_offset":0,"lo_offset":0,"committed_offset":-1001,"stored_offset":-1001,"consumer_lag":-1,"consumer_lag_stored":-1},
       "1":{"partition":1,"fetch_state":"active","hi_offset":7,"lo_offset":0,"committed_offset":5,"stored_offset":6,"consumer_lag":2,"consumer_lag_stored":1},
       "2":{"partition":2,"fetch_state":"active","hi_offset":4,"lo_offset":1,"committed_offset":-1001,"stored_offset":-1001,"consumer_lag":-1,"consumer_lag_stored":-1},
       "3":{"partition":3,"fetch_state":"active","hi_offset":9,"lo_offset":0,"committed_offset":3,"stored_offset":-1001,"consumer_lag":6,"consumer_lag_stored":6},
       "4":{"partition":4,"fetch_state":"none","hi_offset":-1001,"lo_offset":-1001,"committed_offset":-1001,"stored_offset":-1001},
       "-1":{"partition":-1,"fetch_state":"none","hi_offset":-1001,"lo_offset":-1001,"committed_offset":-1001,"stored_offset":-1001}}}}}
    """#

    @Test func brokersUpCountsRealBrokersOnly() throws {
        let statistics = try #require(KafkaStatistics.parse(Data(Self.report.utf8), receivedAt: Date()))
        #expect(statistics.brokersUp == 2, "the logical GroupCoordinator entry is not a broker")
        #expect(statistics.brokersKnown == 3)
    }

    /// The stored offset counts first (processed, not yet committed), then the committed
    /// one, then the partition's start: a partition never processed shows its whole
    /// content as lag, where librdkafka's own `consumer_lag_stored` says -1.
    @Test func lagIsMeasuredFromTheStoredThenCommittedThenFirstOffset() throws {
        let partitions = try #require(KafkaStatistics.parse(Data(Self.report.utf8), receivedAt: Date())).partitions
        func lag(_ number: Int32) -> Int64? { partitions[TopicPartition(topic: "hotline.intake.v1", partition: number)]?.lag }
        #expect(lag(0) == 0)
        #expect(lag(1) == 1, "end 7, stored 6")
        #expect(lag(2) == 3, "never committed: end 4 minus first offset 1")
        #expect(lag(3) == 6, "end 9, committed 3")
        #expect(lag(4) == nil, "end unknown: not fetched by this member")
        #expect(lag(-1) == nil, "the unassigned placeholder is not a partition")
    }

    @Test func somethingElseIsNotAReport() {
        #expect(KafkaStatistics.parse(Data("[1,2]".utf8), receivedAt: Date()) == nil)
        #expect(KafkaStatistics.parse(Data("not json".utf8), receivedAt: Date()) == nil)
    }
}
