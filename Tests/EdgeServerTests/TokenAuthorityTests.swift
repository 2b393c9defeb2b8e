import Testing

@testable import EdgeServer

@Suite("Token grants")
struct TokenAuthorityTests {
    @Test("only configured tokens open anything; an empty token only with allow_anonymous")
    func tokens() {
        let authority = TokenAuthority(grants: [.unrestricted("alpha"), .unrestricted("beta-longer-token")], allowAnonymous: false)
        #expect(authority.grant(for: "alpha")?.token == "alpha")
        #expect(authority.grant(for: "beta-longer-token")?.token == "beta-longer-token")
        for wrong in ["alph", "alphaa", "", "beta"] { #expect(authority.grant(for: wrong) == nil) }
        #expect(TokenAuthority(grants: [], allowAnonymous: true).grant(for: "") != nil)
        #expect(TokenAuthority(grants: [], allowAnonymous: true).grant(for: "anything") == nil)
    }

    @Test("a grant selects its own client ids and roles, whichever position it holds")
    func grantsSelect() {
        let grants = [
            TokenGrant(token: "robots", clients: [.prefix("robot-")], roles: [.robot]),
            TokenGrant(token: "alice", clients: [.exact("alice")], roles: [.user]),
            TokenGrant(token: "fleet", clients: [.prefix("robot-"), .exact("collector-1")]),
        ]
        let authority = TokenAuthority(grants: grants, allowAnonymous: false)
        #expect(authority.grant(for: "robots")?.allows(clientID: "robot-7", role: .robot) == true)
        #expect(authority.grant(for: "robots")?.allows(clientID: "robot-7", role: .user) == false)
        #expect(authority.grant(for: "robots")?.allows(clientID: "alice", role: .robot) == false)
        #expect(authority.authorizes("alice", clientID: "alice"))
        #expect(!authority.authorizes("alice", clientID: "alice2"))
        #expect(!authority.authorizes("alice", clientID: "robot-1"))
        #expect(authority.grant(for: "fleet")?.allows(clientID: "collector-1", role: .collector) == true)
        #expect(authority.grant(for: "fleet")?.allows(clientID: "collector-2", role: .collector) == false)
    }

    @Test(
        "client patterns",
        arguments: [
            ("*", "anything", true), ("robot-*", "robot-", true), ("robot-*", "robot-9", true), ("robot-*", "robo", false),
            ("alice", "alice", true), ("alice", "alice-2", false),
        ])
    func patterns(pattern: String, clientID: String, matches: Bool) throws {
        #expect(try #require(ClientPattern(pattern)).matches(clientID) == matches)
    }

    @Test("malformed patterns are refused", arguments: ["", "a*b", "**", "*robot"])
    func malformedPatterns(pattern: String) {
        #expect(ClientPattern(pattern) == nil)
    }

    @Test("[[auth.grants]] parse, with flat tokens kept as unrestricted grants")
    func parseGrants() throws {
        let configuration = try ServerConfiguration.parse(
            toml: """
                [auth]
                tokens = ["legacy"]
                [[auth.grants]]
                token = "robots"
                clients = ["robot-*"]
                roles = ["robot"]
                [[auth.grants]]
                token = "alice"
                clients = ["alice"]
                """)
        try configuration.validate()
        #expect(
            configuration.grants == [
                TokenGrant(token: "robots", clients: [.prefix("robot-")], roles: [.robot]),
                TokenGrant(token: "alice", clients: [.exact("alice")]),
                TokenGrant.unrestricted("legacy"),
            ])
    }

    @Test(
        "bad grants name their key",
        arguments: [
            ("[[auth.grants]]\ntoken = \"t\"\nclients = [\"a*b\"]", "auth.grants[0].clients"),
            ("[[auth.grants]]\ntoken = \"t\"\nclients = [\"a\"]\nroles = [\"pilot\"]", "auth.grants[0].roles"),
            ("[[auth.grants]]\ntoken = \"\"\nclients = [\"a\"]", "auth.grants[0].token"),
            ("[[auth.grants]]\ntoken = \"t\"\nclients = []", "auth.grants[0].clients"),
            ("[[auth.grants]]\ntoken = \"t\"\nclients = [\"a\"]\nroles = []", "auth.grants[0].roles"),
        ])
    func badGrants(toml: String, key: String) {
        #expect {
            try ServerConfiguration.parse(toml: toml).validate()
        } throws: { ($0 as? ConfigurationError)?.key == key }
    }
}
