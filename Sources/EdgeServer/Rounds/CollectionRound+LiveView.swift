extension CollectionRound {
    /// Shows the round on the live view at `stage`, waiting for `expectedUploads` uploads.
    func show(_ report: RoundReport, _ stage: LiveViewRound.Stage, expectedUploads: Int = 0) {
        dependencies.liveView.updateRound(
            LiveViewRound(
                round: index, stage: stage, solver: report.solver,
                collectors: report.collectors.map { collector in
                    LiveViewRound.Collector(
                        client: collector.client, selected: stage == .pilots || stage == .selection ? nil : collector.selected,
                        powerW: stage == .pilots ? collector.pilotPowerW : collector.powerW, pilotCommitted: collector.pilot != nil,
                        datasetCommitted: collector.dataset != nil, outage: collector.pilotOutage || collector.datasetOutage)
                },
                uploadsExpected: expectedUploads, objective: report.objective))
    }
}

extension LiveViewBoard {
    /// Marks `clientID`'s upload of the round's current stage committed.
    func roundUploadCommitted(clientID: String, pilot: Bool) {
        updateRound { round in
            guard let k = round.collectors.firstIndex(where: { $0.client == clientID }) else { return }
            if pilot { round.collectors[k].pilotCommitted = true } else { round.collectors[k].datasetCommitted = true }
            round.uploadsCommitted += 1
        }
    }
}
